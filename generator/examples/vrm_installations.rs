//! Log in to the VRM API and list the user's installations (with battery
//! state of charge, where the site reports one).
//!
//! ```sh
//! cargo run -p generator --example vrm_installations -- [BASE_URL] USER PASSWORD
//! # or
//! VRM_USER=jane@example.com VRM_PASSWORD=... cargo run -p generator --example vrm_installations
//! ```
//!
//! `BASE_URL` (or `VRM_BASE_URL`) defaults to the real API,
//! `https://vrmapi.victronenergy.com/v2`. For an account with two-factor
//! authentication, put the code in `VRM_SMS_TOKEN`.

use std::error::Error;
use vrm_client::Client;
use vrm_client::types::LoginRequest;

/// Log in with `username` and `password`, then list the installations: one
/// line per site, `idSite  name  (identifier)  battery …`.
pub async fn run(base_url: &str, username: &str, password: &str) -> Result<Vec<String>, Box<dyn Error>> {
    let client = Client::builder().base_url(base_url).build()?;
    let login = client
        .login(&LoginRequest {
            username: username.to_owned(),
            password: password.to_owned(),
            sms_token: std::env::var("VRM_SMS_TOKEN").ok(),
            remember_me: None,
        })
        .await?;
    let Some(token) = login.token else {
        return Err(if login.verification_sent {
            "a two-factor code was sent: run again with it in VRM_SMS_TOKEN".into()
        } else {
            "the login answer holds no token".into()
        });
    };
    client.set_api_key(format!("Bearer {token}"));

    let installations = client.list_installations(login.id_user.to_string()).extended(1).await?;
    let lines = installations
        .records
        .iter()
        .map(|site| {
            let battery = site
                .extended
                .iter()
                .flatten()
                .find(|attribute| attribute.code.as_deref() == Some("bs"))
                .and_then(|attribute| attribute.formatted_value.as_deref())
                .map(|soc| format!("  battery {soc}"))
                .unwrap_or_default();
            format!("{}  {}  ({}){battery}", site.id_site, site.name, site.identifier)
        })
        .collect();
    Ok(lines)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let base_url = if args.len() == 3 {
        args.remove(0)
    } else {
        std::env::var("VRM_BASE_URL").unwrap_or_else(|_| vrm_client::DEFAULT_BASE_URL.to_owned())
    };
    let mut next = |name: &str| -> Result<String, Box<dyn Error>> {
        if args.is_empty() {
            std::env::var(name).map_err(|_| format!("give USER and PASSWORD as arguments, or set {name}").into())
        } else {
            Ok(args.remove(0))
        }
    };
    let user = next("VRM_USER")?;
    let password = next("VRM_PASSWORD")?;
    for line in run(&base_url, &user, &password).await? {
        println!("{line}");
    }
    Ok(())
}
