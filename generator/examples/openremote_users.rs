//! Sign in to an OpenRemote Manager, as a service user (OAuth2 client
//! credentials) or as a person (user name and password, through the
//! Manager's public client `openremote`), and list the users of a realm.
//!
//! ```sh
//! # a service user
//! cargo run -p generator --example openremote_users -- BASE_URL TOKEN_URL CLIENT_ID CLIENT_SECRET [REALM]
//! # a person
//! cargo run -p generator --example openremote_users -- BASE_URL TOKEN_URL --user USER_NAME PASSWORD [REALM]
//! # or from the environment (OR_USERNAME and OR_PASSWORD instead of OR_CLIENT_ID and OR_CLIENT_SECRET for a person)
//! OR_BASE_URL=https://manager.example.org/api/master \
//! OR_TOKEN_URL=https://manager.example.org/auth/realms/master/protocol/openid-connect/token \
//! OR_CLIENT_ID=reporting OR_CLIENT_SECRET=... OR_REALM=building \
//!     cargo run -p generator --example openremote_users
//! ```
//!
//! `BASE_URL` is `{manager}/api/{realm signed in to}`; `REALM` is the
//! realm whose users are listed (default `master`). The user needs the
//! `read:admin` or `read:users` role.

use openremote_client::types::{RealmPredicate, UserQuery, UserQueryOrderBy, UserQueryOrderByProperty};
use openremote_client::{Client, PasswordGrant};
use std::error::Error;

/// Who signs in.
pub enum SignIn<'a> {
    /// A service user: OAuth2 client credentials.
    Service { client_id: &'a str, client_secret: &'a str },
    /// A person: the OAuth2 password grant through the public client
    /// `openremote`, the one the Manager's web app signs in with.
    Person { username: &'a str, password: &'a str },
}

/// The users of `realm`, one line each: user name, e-mail, kind, creation date.
pub async fn run(
    base_url: &str,
    token_url: &str,
    sign_in: SignIn<'_>,
    realm: &str,
) -> Result<Vec<String>, Box<dyn Error>> {
    let builder = Client::builder().base_url(base_url);
    let client = match sign_in {
        SignIn::Service {
            client_id,
            client_secret,
        } => builder.client_credentials(token_url, client_id, client_secret),
        SignIn::Person { username, password } => {
            builder.password_grant(PasswordGrant::new(token_url, "openremote", username, password))
        }
    }
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
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    // `--user` after the two URLs: a person's name and password follow.
    let as_person = if args.get(2).map(String::as_str) == Some("--user") {
        args.remove(2);
        true
    } else {
        args.len() < 3 && std::env::var("OR_USERNAME").is_ok()
    };
    let mut args = args.into_iter();
    let mut next = |name: &str, default: Option<&str>| -> Result<String, Box<dyn Error>> {
        match (args.next(), std::env::var(name), default) {
            (Some(value), _, _) | (None, Ok(value), _) => Ok(value),
            (None, Err(_), Some(default)) => Ok(default.to_owned()),
            (None, Err(_), None) => Err(format!("missing {name}: give it as an argument or in the environment").into()),
        }
    };
    let base_url = next("OR_BASE_URL", None)?;
    let token_url = next("OR_TOKEN_URL", None)?;
    let (first, second) = if as_person {
        (next("OR_USERNAME", None)?, next("OR_PASSWORD", None)?)
    } else {
        (next("OR_CLIENT_ID", None)?, next("OR_CLIENT_SECRET", None)?)
    };
    let sign_in = if as_person {
        SignIn::Person {
            username: &first,
            password: &second,
        }
    } else {
        SignIn::Service {
            client_id: &first,
            client_secret: &second,
        }
    };
    let realm = next("OR_REALM", Some("master"))?;
    for line in run(&base_url, &token_url, sign_in, &realm).await? {
        println!("{line}");
    }
    Ok(())
}
