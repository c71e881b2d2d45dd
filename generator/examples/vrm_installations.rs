//! Log in to the VRM API, list the user's installations, and for one site
//! print the battery's state of charge now and the solar yield of today,
//! both from the site's statistics (`stats`).
//!
//! ```sh
//! cargo run -p generator --example vrm_installations -- [BASE_URL] USER PASSWORD
//! # or
//! VRM_USER=jane@example.com VRM_PASSWORD=... cargo run -p generator --example vrm_installations
//! ```
//!
//! `BASE_URL` (or `VRM_BASE_URL`) defaults to the real API,
//! `https://vrmapi.victronenergy.com/v2`. The site is the first one listed,
//! or the one whose id is in `VRM_SITE`. For an account with two-factor
//! authentication, put the code in `VRM_SMS_TOKEN`.

use std::error::Error;
use std::time::{SystemTime, UNIX_EPOCH};
use vrm_client::Client;
use vrm_client::types::{
    Installation, LoginRequest, ScalarValue, StatsInterval, StatsResponse, StatsResponseRecords, StatsResponseTotals,
    StatsSeries, StatsType,
};

/// The codes of the `kwh` statistics that carry solar energy: to the
/// battery, to the consumers, to the grid.
const SOLAR_CODES: [&str; 3] = ["Pb", "Pc", "Pg"];

/// Log in with `username` and `password`, list the installations (one line
/// per site: `idSite  name  (identifier)`), then one line for the site
/// `site` (or the first one): its battery's state of charge and today's
/// solar yield.
pub async fn run(
    base_url: &str,
    username: &str,
    password: &str,
    site: Option<i64>,
) -> Result<Vec<String>, Box<dyn Error>> {
    let client = Client::builder().base_url(base_url).build()?;
    let mut request = LoginRequest::new(username, password);
    request.sms_token = std::env::var("VRM_SMS_TOKEN").ok();
    let login = client.login(&request).await?;
    let Some(token) = login.token else {
        return Err(if login.verification_sent {
            "a two-factor code was sent: run again with it in VRM_SMS_TOKEN".into()
        } else {
            "the login answer holds no token".into()
        });
    };
    client.set_api_key(format!("Bearer {token}"));

    let installations = client.list_installations(login.id_user.to_string()).extended(1).await?;
    let mut lines: Vec<String> = installations
        .records
        .iter()
        .map(|site| format!("{}  {}  ({})", site.id_site, site.name, site.identifier))
        .collect();
    let chosen = match site {
        Some(id) => installations.records.iter().find(|s| s.id_site == id),
        None => installations.records.first(),
    };
    let Some(chosen) = chosen else {
        lines.push("no such site".to_owned());
        return Ok(lines);
    };
    lines.push(site_summary(&client, chosen).await?);
    Ok(lines)
}

/// `site 151734: battery 87.5 % now, solar yield today 12.34 kWh`.
async fn site_summary(client: &Client, site: &Installation) -> Result<String, Box<dyn Error>> {
    let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs() as i64;
    // The state of charge: the newest point of the last hour's `bs` series.
    let live = client
        .get_stats(site.id_site)
        .r#type(StatsType::LiveFeed)
        .interval(StatsInterval::V15mins)
        .attribute_codes(vec!["bs".to_owned()])
        .start(now - 3600)
        .end(now)
        .await?;
    let soc = latest(&live, "bs").map_or_else(|| "unknown".to_owned(), |soc| format!("{soc:.1} %"));
    // Today's solar yield: the day's energy totals, from midnight at the site.
    let offset = i64::from(site.timezone_offset.unwrap_or(0));
    let midnight = now - (now + offset).rem_euclid(86_400);
    let energy = client
        .get_stats(site.id_site)
        .r#type(StatsType::Kwh)
        .interval(StatsInterval::Days)
        .start(midnight)
        .end(now)
        .await?;
    let solar = solar_total(&energy).map_or_else(|| "unknown".to_owned(), |kwh| format!("{kwh:.2} kWh"));
    Ok(format!(
        "site {}: battery {soc} now, solar yield today {solar}",
        site.id_site
    ))
}

/// The value of the newest point of series `code`.
fn latest(stats: &StatsResponse, code: &str) -> Option<f64> {
    let StatsResponseRecords::Series(series) = &stats.records else {
        return None;
    };
    let Some(StatsSeries::Points(points)) = series.get(code) else {
        return None;
    };
    points.iter().rev().find_map(|point| point.get(1).copied().flatten())
}

/// The sum of the solar codes' totals, when any of them has one.
fn solar_total(stats: &StatsResponse) -> Option<f64> {
    let Some(StatsResponseTotals::Totals(totals)) = &stats.totals else {
        return None;
    };
    let values: Vec<f64> = SOLAR_CODES
        .iter()
        .filter_map(|code| match totals.get(*code)? {
            ScalarValue::Number(value) => Some(*value),
            ScalarValue::Integer(value) => Some(*value as f64),
            ScalarValue::String(text) => text.parse().ok(),
            // `false`: no data for the code.
            ScalarValue::Boolean(_) => None,
        })
        .collect();
    (!values.is_empty()).then(|| values.iter().sum())
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
    let site = match std::env::var("VRM_SITE") {
        Ok(id) => Some(id.parse().map_err(|_| "VRM_SITE is not a site id")?),
        Err(_) => None,
    };
    for line in run(&base_url, &user, &password, site).await? {
        println!("{line}");
    }
    Ok(())
}
