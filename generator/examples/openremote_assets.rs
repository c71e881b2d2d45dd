//! Sign in to an OpenRemote Manager as a service user, list the assets of a
//! realm with one attribute each, and switch the first one that is a switch.
//!
//! ```sh
//! cargo run -p generator --example openremote_assets -- BASE_URL TOKEN_URL CLIENT_ID CLIENT_SECRET [REALM] [ATTRIBUTE]
//! # or
//! OR_BASE_URL=https://manager.example.org/api/master \
//! OR_TOKEN_URL=https://manager.example.org/auth/realms/master/protocol/openid-connect/token \
//! OR_CLIENT_ID=automation OR_CLIENT_SECRET=... OR_REALM=building OR_ATTRIBUTE=onOff \
//!     cargo run -p generator --example openremote_assets
//! ```
//!
//! `REALM` is the realm whose assets are listed (default `master`),
//! `ATTRIBUTE` the attribute shown for each asset (default `onOff`). When
//! that attribute holds a boolean on some asset, the first such value is
//! inverted (a light or relay is switched). The service user needs the
//! `read:assets` and `write:attributes` roles.

use openremote_client::Client;
use openremote_client::types::{
    AssetQuery, AssetQueryOrderBy, AssetQueryOrderByProperty, AssetQuerySelect, RealmPredicate,
};
use std::error::Error;

/// One line per asset (name, type, the attribute's value), then a line for
/// the value written, if any.
pub async fn run(
    base_url: &str,
    token_url: &str,
    client_id: &str,
    client_secret: &str,
    realm: &str,
    attribute: &str,
) -> Result<Vec<String>, Box<dyn Error>> {
    let client = Client::builder()
        .base_url(base_url)
        .client_credentials(token_url, client_id, client_secret)
        .build()?;
    let query = AssetQuery {
        realm: Some(RealmPredicate {
            name: Some(realm.to_owned()),
        }),
        select: Some(AssetQuerySelect {
            attributes: Some(vec![attribute.to_owned()]),
        }),
        order_by: Some(AssetQueryOrderBy {
            property: Some(AssetQueryOrderByProperty::Name),
            descending: None,
        }),
        limit: Some(500),
        ..Default::default()
    };
    let assets = client.query_assets(&query).await?;
    let mut lines = Vec::new();
    let mut switch = None;
    for asset in &assets {
        let value = asset
            .attributes
            .as_ref()
            .and_then(|attributes| attributes.get(attribute));
        let shown = match value.and_then(|a| a.value.as_ref()) {
            Some(value) => value.to_string(),
            None => "-".to_owned(),
        };
        lines.push(format!(
            "{:<32} {:<24} {attribute}={shown}",
            asset.name,
            asset.r#type.as_str()
        ));
        // The first boolean value is the switch to flip.
        if switch.is_none()
            && let (Some(id), Some(Ok(Some(on)))) = (&asset.id, value.map(|a| a.value_as::<Option<bool>>()))
        {
            switch = Some((id.clone(), asset.name.clone(), on));
        }
    }
    if let Some((id, name, on)) = switch {
        let result = client.write_attribute_value(&id, attribute, &!on).await?;
        match result.failure {
            None => lines.push(format!("switched {name}: {attribute} is now {}", !on)),
            Some(failure) => lines.push(format!("could not switch {name}: {failure}")),
        }
    }
    Ok(lines)
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
    let attribute = next("OR_ATTRIBUTE", Some("onOff"))?;
    for line in run(&base_url, &token_url, &client_id, &client_secret, &realm, &attribute).await? {
        println!("{line}");
    }
    Ok(())
}
