//! `cargo bench -p generator --bench client`: the generated client's overhead.
//!
//! The same request (`GET /users/me` with `X-Authorization`, a JSON body
//! decoded into `vrm_client::types::MeResponse`) sent by the generated
//! client and by a hand-written `reqwest` call, against one loopback server
//! that answers from memory. Both run in the same process, interleaved in
//! rounds so that drift hits both alike. Prints latency percentiles,
//! throughput, and the ratio generated / hand-written.

use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const BODY: &str = r#"{"success":true,"user":{"id":22,"name":"demo demo","email":"demo@example.com","country":"The Netherlands","idAccessToken":null,"accessLevel":0}}"#;
const ROUNDS: usize = 20;
const PER_ROUND: usize = 500;
const CONCURRENCY: usize = 16;
/// Requests per side and round when CONCURRENCY run at once.
const CONCURRENT_PER_ROUND: usize = 4000;

/// A keep-alive HTTP/1.1 server that answers every request with `BODY`, on
/// its own thread and runtime, so that it does not share a scheduler with
/// the clients being measured.
fn serve() -> SocketAddr {
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            sender.send(listener.local_addr().unwrap()).unwrap();
            loop {
                let Ok((socket, _)) = listener.accept().await else {
                    return;
                };
                tokio::spawn(answer(socket));
            }
        });
    });
    receiver.recv().unwrap()
}

async fn answer(mut socket: tokio::net::TcpStream) {
    let response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{BODY}",
        BODY.len()
    );
    let mut buf = vec![0u8; 8192];
    let mut filled = 0;
    loop {
        let Ok(n) = socket.read(&mut buf[filled..]).await else {
            return;
        };
        if n == 0 {
            return;
        }
        filled += n;
        // Requests have no body: each ends at the blank line.
        while let Some(end) = buf[..filled].windows(4).position(|w| w == b"\r\n\r\n") {
            if socket.write_all(response.as_bytes()).await.is_err() {
                return;
            }
            buf.copy_within(end + 4..filled, 0);
            filled -= end + 4;
        }
    }
}

async fn generated(client: &vrm_client::Client) {
    let me = client.get_me().await.unwrap();
    assert_eq!(me.user.unwrap().id, Some(22));
}

async fn hand_written(http: &reqwest::Client, url: &str) {
    let response = http
        .get(url)
        .header("X-Authorization", "Token 0123456789abcdef")
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
    let bytes = response.bytes().await.unwrap();
    let me: vrm_client::types::MeResponse = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(me.user.unwrap().id, Some(22));
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p) as usize]
}

struct Stats {
    latencies: Vec<Duration>,
    elapsed: Duration,
    requests: usize,
}

impl Stats {
    fn report(&mut self, name: &str) -> (f64, Duration) {
        self.latencies.sort();
        let throughput = self.requests as f64 / self.elapsed.as_secs_f64();
        let p50 = percentile(&self.latencies, 0.5);
        println!(
            "{name:<24} p50 {:>7.1} µs   p99 {:>7.1} µs   {:>8.0} req/s (sequential)",
            p50.as_secs_f64() * 1e6,
            percentile(&self.latencies, 0.99).as_secs_f64() * 1e6,
            throughput
        );
        (throughput, p50)
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing: run once, quickly.
    let quick = !std::env::args().any(|a| a == "--bench");
    let (rounds, per_round, concurrent_per_round) = if quick {
        (1, 20, 32)
    } else {
        (ROUNDS, PER_ROUND, CONCURRENT_PER_ROUND)
    };
    let addr = serve();
    let base = format!("http://{addr}");
    let client = vrm_client::Client::builder()
        .base_url(&base)
        .api_key("Token 0123456789abcdef")
        .build()
        .unwrap();
    // The hand-written baseline is configured as carefully as the generated
    // client, so that both send the same bytes: the same request timeout and
    // the same `User-Agent`.
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .user_agent("vrm-client/0.1.0")
        .build()
        .unwrap();
    let url = format!("{base}/users/me");

    // `-- --only generated|hand-written N`: N sequential requests of one side
    // and nothing else, for a profiler (`valgrind --tool=callgrind`).
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--only") {
        let count: usize = args.get(at + 2).and_then(|n| n.parse().ok()).unwrap_or(1000);
        for _ in 0..count {
            match args.get(at + 1).map(String::as_str) {
                Some("generated") => generated(&client).await,
                _ => hand_written(&http, &url).await,
            }
        }
        return;
    }

    // Warm up both connection pools.
    for _ in 0..50 {
        generated(&client).await;
        hand_written(&http, &url).await;
    }

    let mut ours = Stats {
        latencies: Vec::new(),
        elapsed: Duration::ZERO,
        requests: 0,
    };
    let mut theirs = Stats {
        latencies: Vec::new(),
        elapsed: Duration::ZERO,
        requests: 0,
    };
    for round in 0..rounds {
        // Alternate which side goes first, so neither always follows the other.
        for side in [round % 2, 1 - round % 2] {
            let started = Instant::now();
            let stats = if side == 0 { &mut ours } else { &mut theirs };
            for _ in 0..per_round {
                let t = Instant::now();
                if side == 0 {
                    generated(&client).await;
                } else {
                    hand_written(&http, &url).await;
                }
                stats.latencies.push(t.elapsed());
            }
            stats.elapsed += started.elapsed();
            stats.requests += per_round;
        }
    }
    let (ours_rps, ours_p50) = ours.report("generated client");
    let (theirs_rps, theirs_p50) = theirs.report("hand-written reqwest");

    // Concurrent: CONCURRENCY tasks at once, same total per side, the
    // sides alternating which goes first.
    let mut concurrent = [Duration::ZERO; 2];
    for round in 0..rounds {
        for side in [round % 2, 1 - round % 2] {
            let started = Instant::now();
            let tasks: Vec<_> = (0..CONCURRENCY)
                .map(|_| {
                    let (client, http, url) = (client.clone(), http.clone(), url.clone());
                    tokio::spawn(async move {
                        for _ in 0..concurrent_per_round / CONCURRENCY {
                            if side == 0 {
                                generated(&client).await;
                            } else {
                                hand_written(&http, &url).await;
                            }
                        }
                    })
                })
                .collect();
            for task in tasks {
                task.await.unwrap();
            }
            concurrent[side] += started.elapsed();
        }
    }
    let total = (rounds * (concurrent_per_round / CONCURRENCY) * CONCURRENCY) as f64;
    let ours_conc = total / concurrent[0].as_secs_f64();
    let theirs_conc = total / concurrent[1].as_secs_f64();
    println!(
        "{:<24} {:>8.0} req/s ({CONCURRENCY} concurrent)",
        "generated client", ours_conc
    );
    println!(
        "{:<24} {:>8.0} req/s ({CONCURRENCY} concurrent)",
        "hand-written reqwest", theirs_conc
    );
    println!(
        "ratio generated/hand-written: p50 latency {:.3}, sequential throughput {:.3}, concurrent throughput {:.3}",
        ours_p50.as_secs_f64() / theirs_p50.as_secs_f64(),
        ours_rps / theirs_rps,
        ours_conc / theirs_conc
    );
}
