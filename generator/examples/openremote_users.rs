//! Sign in to an OpenRemote Manager as a service user (OAuth2 client
//! credentials) and list the users of a realm.
//!
//! ```sh
//! cargo run -p generator --example openremote_users -- BASE_URL TOKEN_URL CLIENT_ID CLIENT_SECRET [REALM]
//! # or
//! OR_BASE_URL=https://manager.example.org/api/master \
//! OR_TOKEN_URL=https://manager.example.org/auth/realms/master/protocol/openid-connect/token \
//! OR_CLIENT_ID=reporting OR_CLIENT_SECRET=... OR_REALM=building \
//!     cargo run -p generator --example openremote_users
//! ```
//!
//! `BASE_URL` is `{manager}/api/{realm of the service user}`; `REALM` is the
//! realm whose users are listed (default `master`). The service user needs
//! the `read:admin` or `read:users` role.

use openremote_client::Client;
use openremote_client::types::{RealmPredicate, UserQuery, UserQueryOrderBy, UserQueryOrderByProperty};
use std::error::Error;

/// The users of `realm`, one line each: user name, e-mail, kind, creation date.
pub async fn run(
    base_url: &str,
    token_url: &str,
    client_id: &str,
    client_secret: &str,
    realm: &str,
) -> Result<Vec<String>, Box<dyn Error>> {
    let client = Client::builder()
        .base_url(base_url)
        .client_credentials(token_url, client_id, client_secret)
        .build()?;
    let query = UserQuery::new()
        .with_realm_predicate(RealmPredicate::new().with_name(realm))
        .with_order_by(UserQueryOrderBy::new().with_property(UserQueryOrderByProperty::Username))
        .with_limit(1000);
    let users = client.query_users(&query).await?;
    Ok(users
        .iter()
        .map(|user| {
            format!(
                "{:<24} {:<32} {:<8} {}",
                user.username.as_deref().unwrap_or("-"),
                user.email.as_deref().unwrap_or("-"),
                if user.service_account == Some(true) {
                    "service"
                } else {
                    "person"
                },
                user.created_on.map(date_of).unwrap_or_default(),
            )
        })
        .collect())
}

/// `YYYY-MM-DD` (UTC) of an epoch-milliseconds instant.
fn date_of(epoch_ms: i64) -> String {
    // Howard Hinnant's days-to-civil algorithm.
    let days = epoch_ms.div_euclid(86_400_000) + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days.rem_euclid(146_097);
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let mut next = |name: &str, default: Option<&str>| -> Result<String, Box<dyn Error>> {
        match (args.next(), std::env::var(name), default) {
            (Some(value), _, _) | (None, Ok(value), _) => Ok(value),
            (None, Err(_), Some(default)) => Ok(default.to_owned()),
            (None, Err(_), None) => Err(format!("missing {name}: give it as an argument or in the environment").into()),
        }
    };
    let base_url = next("OR_BASE_URL", None)?;
    let token_url = next("OR_TOKEN_URL", None)?;
    let client_id = next("OR_CLIENT_ID", None)?;
    let client_secret = next("OR_CLIENT_SECRET", None)?;
    let realm = next("OR_REALM", Some("master"))?;
    for line in run(&base_url, &token_url, &client_id, &client_secret, &realm).await? {
        println!("{line}");
    }
    Ok(())
}
