//! The client the build script generated works: a call to a loopback server
//! sends the key and the path, and decodes the answer into the spec's type.

use build_script_example::{Client, types::Plant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

#[tokio::test]
async fn generated_client_calls_and_decodes() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = Vec::new();
        let mut buffer = [0u8; 1024];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = socket.read(&mut buffer).await.unwrap();
            assert!(n > 0, "connection closed before the request ended");
            request.extend_from_slice(&buffer[..n]);
        }
        let body = r#"{"id":"p1","name":"Fern","height_cm":30.5}"#;
        let response = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        socket.write_all(response.as_bytes()).await.unwrap();
        String::from_utf8(request).unwrap()
    });

    let client = Client::builder().base_url(url).api_key("k3y").build().unwrap();
    let plant: Plant = client.get_plant("p1").await.unwrap();
    assert_eq!(plant.name, "Fern");
    assert_eq!(plant.height_cm, Some(30.5));

    let request = server.await.unwrap().to_ascii_lowercase();
    assert!(request.starts_with("get /plants/p1 http/1.1\r\n"), "{request}");
    assert!(request.contains("x-api-key: k3y\r\n"), "{request}");
}

#[test]
fn the_spec_server_is_the_default() {
    assert_eq!(build_script_example::DEFAULT_BASE_URL, "https://shop.example.com/api");
    let client = Client::builder().build().unwrap();
    assert_eq!(client.base_url(), build_script_example::DEFAULT_BASE_URL);
}
