//! The generated VRM client (`generated/vrm`) on a site's data, against a
//! loopback server that answers as the real (PHP) VRM server does: one test
//! per operation with a realistic answer, then each wire quirk on its own
//! (numbers as strings, `0`/`1` flags, `[]` for an empty map, `false` for a
//! series without data, an integer `nameEnum`, ...), the file downloads in
//! every media type, and a decode error that names the JSON path.
//! The quirks and their sources are listed in `specs/README.md`.

mod common;

use common::{header, json_body, line, only_request};
use serde_json::json;
use std::collections::BTreeMap;
use std::time::Duration;
use vrm_client::types::{
    self, EnumLabels, Flag, GraphWidgetData, IntegerOrString, NumberOrString, OverallStatsPeriodTotals,
    OverallStatsResponseRecords, ScalarValue, SearchResponseResults, SiteTag, StateWidgetEnums, StatsInterval,
    StatsResponseRecords, StatsResponseTotals, StatsSeries, StatsType, SummaryWidgetData, WidgetDataEntry, WidgetMeta,
};
use vrm_client::{Client, Error};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "Token 5f0c1e2d3b4a59687766554433221100ffeeddccbbaa99887766554433221100";
const SITE: i64 = 151734;

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .api_key(TOKEN)
        .timeout(Duration::from_secs(5))
        .max_retries(0)
        .build()
        .expect("client")
}

async fn answer(server: &MockServer, verb: &str, at: &str, body: serde_json::Value) {
    Mock::given(method(verb))
        .and(path(at))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(server)
        .await;
}

fn site(rest: &str) -> String {
    format!("/installations/{SITE}/{rest}")
}

/// Method, path and raw query of the one request, and that it carried the token.
async fn sent(server: &MockServer) -> wiremock::Request {
    let request = only_request(server).await;
    assert_eq!(header(&request, "x-authorization"), Some(TOKEN));
    request
}

fn flag(value: &Option<Flag>) -> Option<bool> {
    match value {
        Some(Flag::Boolean(b)) => Some(*b),
        Some(Flag::Integer(i)) => Some(*i != 0),
        None => None,
    }
}

// ---------------------------------------------------------------- system overview, diagnostics

#[tokio::test]
async fn system_overview_lists_the_devices_with_their_optional_parts() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        &site("system-overview"),
        json!({"success": true, "records": {"devices": [
            {"name": "Gateway", "customName": null, "productCode": "C00A", "idSite": SITE, "productName": "Cerbo GX",
             "firmwareVersion": "v3.72", "remoteOnLan": "10.230.13.130", "autoUpdate": "On",
             "updateTo": "Official release", "lastConnection": 1776515873, "class": "device-gateway",
             "loggingInterval": 60, "vrt": 0, "identifier": null, "lastPowerUpOrRestart": 1774923378, "vrm": 2,
             "vncSshAuth": true, "remoteSupportPort": 26318, "settings": []},
            {"name": "VE.Bus System", "customName": "", "productCode": "2600", "idSite": SITE,
             "productName": "MultiPlus 12/3000/120-50", "firmwareVersion": "2600482", "lastConnection": 1776515873,
             "class": "device-ve-bus", "productId": "2600", "vmc": "VE.Bus",
             "vid": {"enumValue": "Single unit", "devicesPerPhase": {"L1": 1, "L2": 0, "L3": 0}},
             "instance": 257, "idDeviceType": 1, "settings": {"mode": 3}},
            {"name": "Tank", "customName": "Fresh water tank", "productCode": "a161", "idSite": SITE,
             "productName": "Tank sensor (Built-in)", "lastConnection": "1776515873", "class": "device-fluid-monitor",
             "instance": "20", "idDeviceType": 5, "settings": []}
        ]}}),
    )
    .await;
    let overview = client(&server).get_system_overview(SITE).await.expect("decodes");
    let devices = overview.records.devices.expect("devices");
    assert_eq!(devices.len(), 3);
    assert_eq!(devices[0].product_name.as_deref(), Some("Cerbo GX"));
    assert_eq!(devices[0].custom_name, None);
    assert_eq!(devices[1].instance, Some(IntegerOrString::Integer(257)));
    assert_eq!(devices[1].vid.as_ref().expect("vid")["devicesPerPhase"]["L1"], 1);
    assert_eq!(devices[2].instance, Some(IntegerOrString::String("20".into())));
    assert_eq!(
        devices[2].last_connection,
        Some(IntegerOrString::String("1776515873".into()))
    );
    let request = sent(&server).await;
    assert_eq!(line(&request), ("GET".into(), site("system-overview"), None));
}

#[tokio::test]
async fn diagnostics_sends_count_and_page_and_keeps_every_kind_of_raw_value() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        &site("diagnostics"),
        json!({"success": true, "num_records": 3, "records": [
            {"idSite": SITE, "timestamp": 1776515873, "Device": "Battery Monitor", "instance": 288,
             "idDataAttribute": 51, "description": "State of charge", "formatWithUnit": "%.1F %%",
             "dbusServiceType": "battery", "dbusPath": "/Soc", "code": "SOC", "bitmask": 0,
             "formattedValue": "87.5 %", "rawValue": "87.5", "id": 51},
            {"idSite": SITE, "timestamp": 1776515873, "Device": "VE.Bus System", "instance": 257,
             "idDataAttribute": 40, "description": "VE.Bus state", "formatWithUnit": "%s",
             "dbusServiceType": "vebus", "dbusPath": "/State", "code": "S", "bitmask": false,
             "formattedValue": "Float", "rawValue": 5, "id": 40,
             "dataAttributeEnumValues": [{"nameEnum": "Off", "valueEnum": 0}, {"nameEnum": "Float", "valueEnum": "5"}]},
            {"idSite": SITE, "timestamp": null, "Device": "Gateway", "instance": 0, "idDataAttribute": 7,
             "description": "Relay 1 state", "formatWithUnit": null, "dbusServiceType": null, "dbusPath": null,
             "code": "R1", "bitmask": 1, "formattedValue": null, "rawValue": null, "id": 7}
        ]}),
    )
    .await;
    let diagnostics = client(&server)
        .get_diagnostics(SITE)
        .count(1000)
        .page(2)
        .await
        .expect("decodes");
    assert_eq!(diagnostics.num_records, Some(3));
    let records = &diagnostics.records;
    assert_eq!(records[0].raw_value, Some(json!("87.5")));
    assert_eq!(records[1].raw_value, Some(json!(5)));
    assert_eq!(records[2].raw_value, None);
    assert_eq!(flag(&records[0].bitmask), Some(false));
    assert_eq!(flag(&records[1].bitmask), Some(false));
    assert_eq!(flag(&records[2].bitmask), Some(true));
    let states = records[1].data_attribute_enum_values.as_ref().expect("enum values");
    assert_eq!(states[1].value_enum, Some(IntegerOrString::String("5".into())));
    assert_eq!(states[1].name_enum, Some(ScalarValue::String("Float".into())));
    let request = sent(&server).await;
    assert_eq!(
        line(&request),
        ("GET".into(), site("diagnostics"), Some("count=1000&page=2".into()))
    );
}

// ---------------------------------------------------------------- stats

#[tokio::test]
async fn stats_sends_every_parameter_and_php_list_names_as_written() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        &site("stats"),
        json!({"success": true,
               "records": {"bs": [[1776470400000_i64, 86.5, 80.1, 92.0], [1776474000000_i64, 88.0, 86.5, 90.2]],
                           "bv": [[1776470400000_i64, 13.39], [1776474000000_i64, null]]},
               "totals": {"bs": 87.25, "bv": 13.39}}),
    )
    .await;
    let stats = client(&server)
        .get_stats(SITE)
        .r#type(StatsType::Custom)
        .interval(StatsInterval::Hours)
        .start(1776470400)
        .end(1776556800)
        .attribute_codes(vec!["bs".into(), "bv".into()])
        .show_instance(true)
        .await
        .expect("decodes");
    let StatsResponseRecords::Series(series) = &stats.records else {
        panic!("series expected: {stats:?}");
    };
    let Some(StatsSeries::Points(bs)) = series.get("bs") else {
        panic!("bs points: {series:?}");
    };
    assert_eq!(bs[0], vec![Some(1776470400000.0), Some(86.5), Some(80.1), Some(92.0)]);
    let Some(StatsSeries::Points(bv)) = series.get("bv") else {
        panic!("bv points: {series:?}");
    };
    assert_eq!(bv[1], vec![Some(1776474000000.0), None], "a point without a value");
    let request = sent(&server).await;
    assert_eq!(
        line(&request),
        (
            "GET".into(),
            site("stats"),
            Some(
                "type=custom&interval=hours&start=1776470400&end=1776556800&attributeCodes[]=bs&attributeCodes[]=bv&show_instance=true"
                    .into()
            )
        )
    );
}

#[tokio::test]
async fn quirk_a_stats_series_without_data_is_false() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        &site("stats"),
        json!({"success": true, "records": {"Pc": [[1776470400000_i64, 6.25]], "Gc": false},
               "totals": {"Pc": 6.25, "Gc": false}}),
    )
    .await;
    let stats = client(&server)
        .get_stats(SITE)
        .r#type(StatsType::Kwh)
        .await
        .expect("decodes");
    let StatsResponseRecords::Series(series) = &stats.records else {
        panic!("{stats:?}");
    };
    assert_eq!(series.get("Gc"), Some(&StatsSeries::NoData(false)));
    let Some(StatsResponseTotals::Totals(totals)) = &stats.totals else {
        panic!("{stats:?}");
    };
    assert_eq!(totals.get("Gc"), Some(&ScalarValue::Boolean(false)));
    assert_eq!(totals.get("Pc"), Some(&ScalarValue::Number(6.25)));
}

#[tokio::test]
async fn quirk_empty_stats_maps_arrive_as_empty_lists() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        &site("stats"),
        json!({"success": true, "records": [], "totals": []}),
    )
    .await;
    let stats = client(&server).get_stats(SITE).await.expect("decodes");
    assert_eq!(stats.records, StatsResponseRecords::EmptyList(Vec::new()));
    assert_eq!(stats.totals, Some(StatsResponseTotals::EmptyList(Vec::new())));
}

#[tokio::test]
async fn quirk_a_total_can_be_a_string_of_digits() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        &site("stats"),
        json!({"success": true, "records": {"Pb": [[1776470400000_i64, 4.5]]}, "totals": {"Pb": "4.5"}}),
    )
    .await;
    let stats = client(&server).get_stats(SITE).await.expect("decodes");
    let Some(StatsResponseTotals::Totals(totals)) = &stats.totals else {
        panic!("{stats:?}");
    };
    assert_eq!(totals.get("Pb"), Some(&ScalarValue::String("4.5".into())));
}

#[tokio::test]
async fn overall_stats_has_totals_per_period() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        &site("overallstats"),
        json!({"success": true, "records": {
            "today": {"totals": {"total_solar_yield": 12.25, "total_consumption": 9.5, "grid_history_from": false}},
            "week": {"totals": {"total_solar_yield": "61.4", "total_consumption": 58}},
            "month": {"totals": []},
            "year": {"totals": {"total_solar_yield": 2312.9}}
        }}),
    )
    .await;
    let overall = client(&server)
        .get_overall_stats(SITE)
        .r#type("custom")
        .attribute_codes(vec!["total_solar_yield".into()])
        .await
        .expect("decodes");
    let OverallStatsResponseRecords::Periods(periods) = &overall.records else {
        panic!("{overall:?}");
    };
    let Some(OverallStatsPeriodTotals::Totals(today)) = &periods["today"].totals else {
        panic!("{periods:?}");
    };
    assert_eq!(today["total_solar_yield"], ScalarValue::Number(12.25));
    assert_eq!(today["grid_history_from"], ScalarValue::Boolean(false));
    let Some(OverallStatsPeriodTotals::Totals(week)) = &periods["week"].totals else {
        panic!("{periods:?}");
    };
    assert_eq!(week["total_solar_yield"], ScalarValue::String("61.4".into()));
    assert_eq!(week["total_consumption"], ScalarValue::Integer(58));
    assert_eq!(
        periods["month"].totals,
        Some(OverallStatsPeriodTotals::EmptyList(Vec::new()))
    );
    let request = sent(&server).await;
    assert_eq!(
        line(&request),
        (
            "GET".into(),
            site("overallstats"),
            Some("type=custom&attributeCodes[]=total_solar_yield".into())
        )
    );
}

// ---------------------------------------------------------------- alarms

#[tokio::test]
async fn alarms_list_decodes_thresholds_sent_as_strings_and_flags_as_integers() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        &site("alarms"),
        json!({"success": true,
               "alarms": [
                   {"idDataAttribute": 51, "instance": 288, "lowAlarm": "20", "lowAlarmHysteresis": "2.5",
                    "highAlarm": 100, "highAlarmHysteresis": 0, "AlarmEnabled": 1, "NotifyAfterSeconds": "60",
                    "meta_info": {"code": "SOC", "description": "State of charge", "formatWithUnit": "%.1F %%"}},
                   {"idDataAttribute": "47", "instance": "288", "lowAlarm": 11.5, "lowAlarmHysteresis": 0.2,
                    "highAlarm": 14.8, "highAlarmHysteresis": 0.2, "AlarmEnabled": false, "NotifyAfterSeconds": 300}
               ],
               "devices": [{"idDeviceType": 2, "instance": 288, "name": "Battery Monitor"}],
               "users": [{"idUser": 22, "name": "demo demo", "email": "demo@example.com"}],
               "attributes": [{"idDataAttribute": 51, "code": "SOC"}]}),
    )
    .await;
    let list = client(&server).list_alarms(SITE).await.expect("decodes");
    let alarms = list.alarms.expect("alarms");
    assert_eq!(alarms[0].low_alarm, Some(NumberOrString::String("20".into())));
    assert_eq!(alarms[0].high_alarm, Some(NumberOrString::Number(100.0)));
    assert_eq!(flag(&alarms[0].alarm_enabled), Some(true));
    assert_eq!(flag(&alarms[1].alarm_enabled), Some(false));
    assert_eq!(
        alarms[0].notify_after_seconds,
        Some(IntegerOrString::String("60".into()))
    );
    assert_eq!(alarms[1].id_data_attribute, Some(IntegerOrString::String("47".into())));
    assert_eq!(list.devices.expect("devices").len(), 1);
    let request = sent(&server).await;
    assert_eq!(line(&request), ("GET".into(), site("alarms"), None));
}

fn rule() -> types::AlarmRule {
    types::AlarmRule::new(51, 288, 1, 60, 20.0, 2.5, 100.0, 0.0)
}

fn rule_json() -> serde_json::Value {
    json!({"idDataAttribute": 51, "instance": 288, "AlarmEnabled": 1, "NotifyAfterSeconds": 60,
           "lowAlarm": 20.0, "lowAlarmHysteresis": 2.5, "highAlarm": 100.0, "highAlarmHysteresis": 0.0})
}

#[tokio::test]
async fn add_alarm_posts_the_rule() {
    let server = MockServer::start().await;
    answer(
        &server,
        "POST",
        &site("alarms"),
        json!({"success": true, "data": {"idAlarm": 9}}),
    )
    .await;
    let done = client(&server).add_alarm(SITE, &rule()).await.expect("decodes");
    assert!(done.success);
    assert_eq!(done.data, Some(json!({"idAlarm": 9})));
    let request = sent(&server).await;
    assert_eq!(line(&request), ("POST".into(), site("alarms"), None));
    assert_eq!(json_body(&request), rule_json());
}

#[tokio::test]
async fn update_alarm_puts_the_rule() {
    let server = MockServer::start().await;
    answer(&server, "PUT", &site("alarms"), json!({"success": true})).await;
    let done = client(&server).update_alarm(SITE, &rule()).await.expect("decodes");
    assert!(done.success);
    let request = sent(&server).await;
    assert_eq!(line(&request), ("PUT".into(), site("alarms"), None));
    assert_eq!(json_body(&request), rule_json());
}

#[tokio::test]
async fn delete_alarm_sends_which_rule_in_the_body() {
    let server = MockServer::start().await;
    answer(&server, "DELETE", &site("alarms"), json!({"success": true})).await;
    let key = types::AlarmRuleKey::new(51, 288);
    client(&server).delete_alarm(SITE, &key).await.expect("decodes");
    let request = sent(&server).await;
    assert_eq!(line(&request), ("DELETE".into(), site("alarms"), None));
    assert_eq!(json_body(&request), json!({"idDataAttribute": 51, "instance": 288}));
}

#[tokio::test]
async fn clear_alarm_posts_the_alarm_id() {
    let server = MockServer::start().await;
    answer(&server, "POST", &site("clear-alarm"), json!({"success": true})).await;
    let body = types::ClearAlarmRequest::new(123456);
    let done = client(&server).clear_alarm(SITE, &body).await.expect("decodes");
    assert!(done.success);
    let request = sent(&server).await;
    assert_eq!(line(&request), ("POST".into(), site("clear-alarm"), None));
    assert_eq!(json_body(&request), json!({"alarmId": 123456}));
}

// ---------------------------------------------------------------- tags

#[tokio::test]
async fn tags_come_as_objects_or_as_bare_names() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        &site("tags"),
        json!({"success": true, "tags": [
            {"idTag": 3, "name": "boat", "automatic": false, "source": "user"},
            "off-grid"
        ]}),
    )
    .await;
    let tags = client(&server)
        .list_tags(SITE)
        .await
        .expect("decodes")
        .tags
        .expect("tags");
    let SiteTag::InstallationTag(first) = &tags[0] else {
        panic!("{tags:?}");
    };
    assert_eq!(first.name, "boat");
    assert_eq!(tags[1], SiteTag::Name("off-grid".into()));
    let request = sent(&server).await;
    assert_eq!(line(&request), ("GET".into(), site("tags"), None));
}

#[tokio::test]
async fn add_tag_puts_and_remove_tag_deletes_with_the_tag_in_the_body() {
    let server = MockServer::start().await;
    answer(&server, "PUT", &site("tags"), json!({"success": true})).await;
    answer(&server, "DELETE", &site("tags"), json!({"success": true})).await;
    let client = client(&server);
    let tag = types::TagRequest::new("boat");
    client.add_tag(SITE, &tag).await.expect("added");
    client.remove_tag(SITE, &tag).await.expect("removed");
    let all = common::requests(&server).await;
    assert_eq!(line(&all[0]), ("PUT".into(), site("tags"), None));
    assert_eq!(line(&all[1]), ("DELETE".into(), site("tags"), None));
    for request in &all {
        assert_eq!(json_body(request), json!({"tag": "boat"}));
    }
}

// ---------------------------------------------------------------- Dynamic ESS, forecasts, settings

#[tokio::test]
async fn dynamic_ess_settings_keep_unknown_fields_and_numbers_as_strings() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        &site("dynamic-ess-settings"),
        json!({"success": true, "data": {"batteryCapacity": "10.24", "batteryCosts": 0.05, "isOn": 1,
                                         "isGreenModeOn": false, "operatingMode": 1, "buyPriceFormula": "p+0.1"}}),
    )
    .await;
    let settings = client(&server)
        .get_dynamic_ess_settings(SITE)
        .await
        .expect("decodes")
        .data
        .expect("data");
    assert_eq!(settings.battery_capacity, Some(NumberOrString::String("10.24".into())));
    assert_eq!(settings.battery_costs, Some(NumberOrString::Number(0.05)));
    assert_eq!(flag(&settings.is_on), Some(true));
    assert_eq!(flag(&settings.is_green_mode_on), Some(false));
    assert_eq!(settings.additional_properties["buyPriceFormula"], json!("p+0.1"));
}

#[tokio::test]
async fn dynamic_ess_settings_of_a_site_without_them_is_an_error_with_a_list_of_messages() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(site("dynamic-ess-settings")))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(json!({"success": false, "errors": ["No settings found for this site"]})),
        )
        .mount(&server)
        .await;
    let error = client(&server)
        .get_dynamic_ess_settings(SITE)
        .await
        .expect_err("an error");
    let Error::Api(api) = error else {
        panic!("an API error: {error:?}");
    };
    let parsed = api.parsed.expect("the error body decodes");
    assert_eq!(
        parsed.errors,
        Some(types::ErrorMessages::Array(vec![
            "No settings found for this site".into()
        ]))
    );
    assert_eq!(parsed.error_code, None);
}

#[tokio::test]
async fn update_dynamic_ess_settings_posts_the_fields_to_change() {
    let server = MockServer::start().await;
    answer(
        &server,
        "POST",
        &site("dynamic-ess-settings"),
        json!({"success": true, "data": {"batteryCapacity": 12, "isOn": true}}),
    )
    .await;
    let mut settings = types::DynamicEssSettings::new()
        .with_battery_capacity(NumberOrString::Number(12.0))
        .with_is_on(Flag::Boolean(true));
    settings
        .additional_properties
        .insert("gridExportLimit".into(), json!(5));
    let stored = client(&server)
        .update_dynamic_ess_settings(SITE, &settings)
        .await
        .expect("decodes");
    assert_eq!(
        stored.data.expect("data").battery_capacity,
        Some(NumberOrString::Number(12.0))
    );
    let request = sent(&server).await;
    assert_eq!(line(&request), ("POST".into(), site("dynamic-ess-settings"), None));
    assert_eq!(
        json_body(&request),
        json!({"batteryCapacity": 12.0, "isOn": true, "gridExportLimit": 5})
    );
}

#[tokio::test]
async fn forecasts_last_reset_and_reset() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        &site("reset-forecasts"),
        json!({"success": true, "data": {"timestamp": 1776470400, "resetType": 3}}),
    )
    .await;
    answer(
        &server,
        "POST",
        &site("reset-forecasts"),
        json!({"success": true, "data": null}),
    )
    .await;
    let client = client(&server);
    let last = client.get_forecasts_last_reset(SITE).await.expect("decodes");
    assert_eq!(last.data, Some(json!({"timestamp": 1776470400, "resetType": 3})));
    let reset = client
        .reset_forecasts(SITE, &types::ResetForecastsRequest::new(3))
        .await
        .expect("decodes");
    assert!(reset.success);
    assert_eq!(reset.data, None);
    let all = common::requests(&server).await;
    assert_eq!(line(&all[0]), ("GET".into(), site("reset-forecasts"), None));
    assert_eq!(line(&all[1]), ("POST".into(), site("reset-forecasts"), None));
    assert_eq!(json_body(&all[1]), json!({"reset_type": 3}));
}

#[tokio::test]
async fn update_settings_sends_only_the_fields_given() {
    let server = MockServer::start().await;
    answer(&server, "POST", &site("settings"), json!({"success": true, "data": []})).await;
    let settings = types::InstallationSettings::new()
        .with_description("Boat")
        .with_alarm_monitoring(2);
    let done = client(&server).update_settings(SITE, &settings).await.expect("decodes");
    assert_eq!(done.data, Some(json!([])));
    let request = sent(&server).await;
    assert_eq!(line(&request), ("POST".into(), site("settings"), None));
    assert_eq!(
        json_body(&request),
        json!({"description": "Boat", "alarmMonitoring": 2})
    );
}

// ---------------------------------------------------------------- users, favourite, search

#[tokio::test]
async fn installation_users_with_flags_as_integers_and_ids_as_strings() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        &site("users"),
        json!({"success": true,
               "users": [{"idUser": 22, "name": "demo demo", "email": "demo@example.com", "idSite": SITE,
                          "accessLevel": 1, "receivesAlarmNotifications": 1, "avatar_url": null}],
               "invites": [{"idUser": "0", "email": "friend@example.com", "accessLevel": "0",
                            "receivesAlarmNotifications": false, "created": 1776470400}],
               "pending": [], "userGroups": [], "siteGroups": [{"idSiteGroup": 4, "name": "fleet"}]}),
    )
    .await;
    let users = client(&server).list_installation_users(SITE).await.expect("decodes");
    let members = users.users.expect("users");
    assert_eq!(members[0].id_user, Some(IntegerOrString::Integer(22)));
    assert_eq!(flag(&members[0].receives_alarm_notifications), Some(true));
    let invites = users.invites.expect("invites");
    assert_eq!(invites[0].access_level, Some(IntegerOrString::String("0".into())));
    assert_eq!(flag(&invites[0].receives_alarm_notifications), Some(false));
    assert_eq!(users.site_groups.expect("groups").len(), 1);
    let request = sent(&server).await;
    assert_eq!(line(&request), ("GET".into(), site("users"), None));
}

#[tokio::test]
async fn set_favorite_posts_zero_or_one() {
    let server = MockServer::start().await;
    answer(&server, "POST", &site("favorite"), json!({"success": true})).await;
    client(&server)
        .set_favorite(SITE, &types::FavoriteRequest::new(1))
        .await
        .expect("decodes");
    let request = sent(&server).await;
    assert_eq!(line(&request), ("POST".into(), site("favorite"), None));
    assert_eq!(json_body(&request), json!({"favorite": 1}));
}

#[tokio::test]
async fn search_results_arrive_as_a_list() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        "/users/22/search",
        json!({"success": true, "count": 1, "results": [
            {"site_id": 151734, "site_identifier": "c0619ab1f0a6", "site_name": "30 ft boat",
             "avatar_url": null, "highlight": {"site_name": ["30 ft <em>boat</em>"]}}
        ]}),
    )
    .await;
    let found = client(&server)
        .search_installations("22", "boat")
        .await
        .expect("decodes");
    assert_eq!(found.count, Some(1));
    let Some(SearchResponseResults::List(results)) = &found.results else {
        panic!("{found:?}");
    };
    assert_eq!(results[0].site_id, Some(IntegerOrString::Integer(151734)));
    assert_eq!(results[0].site_name.as_deref(), Some("30 ft boat"));
    let request = sent(&server).await;
    assert_eq!(
        line(&request),
        ("GET".into(), "/users/22/search".into(), Some("query=boat".into()))
    );
}

#[tokio::test]
async fn quirk_search_results_as_documented_an_object_keyed_by_site() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        "/users/22/search",
        json!({"success": true, "count": 1, "results": {"151734": {"site_id": "151734", "site_name": "30 ft boat"}}}),
    )
    .await;
    let found = client(&server)
        .search_installations("22", "boat")
        .await
        .expect("decodes");
    let Some(SearchResponseResults::Map(results)) = &found.results else {
        panic!("{found:?}");
    };
    assert_eq!(
        results["151734"].site_id,
        Some(IntegerOrString::String("151734".into()))
    );
}

// ---------------------------------------------------------------- data attributes

#[tokio::test]
async fn data_attributes_are_listed_page_by_page() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        "/data-attributes",
        json!({"success": true, "data": [
            {"idDataAttribute": 51, "code": "SOC", "description": "State of charge", "formatWithUnit": "%.1F %%",
             "dataType": "float", "idDeviceType": 2},
            {"idDataAttribute": "143", "code": "bv", "description": "Voltage", "formatWithUnit": null}
        ], "pagination": {"page": 1, "count": 2, "total": 812}}),
    )
    .await;
    let list = client(&server)
        .list_data_attributes()
        .count(2)
        .page(1)
        .await
        .expect("decodes");
    let attributes = list.data.expect("data");
    assert_eq!(attributes[0].code.as_deref(), Some("SOC"));
    assert_eq!(
        attributes[1].id_data_attribute,
        Some(IntegerOrString::String("143".into()))
    );
    let request = sent(&server).await;
    assert_eq!(
        line(&request),
        ("GET".into(), "/data-attributes".into(), Some("count=2&page=1".into()))
    );
}

#[tokio::test]
async fn installations_are_found_by_their_values() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        "/installation-data-attributes",
        json!({"success": true,
               "records": [{"idSite": 151734, "description": "30 ft boat", "lastTimestamp": 1776515873, "bs": 87.5}],
               "attributes": [{"idDataAttribute": 144, "code": "bs"}], "pagination": null}),
    )
    .await;
    let found = client(&server)
        .find_installations_by_data_attributes("bs>=50")
        .count(100)
        .await
        .expect("decodes");
    let records = found.records.expect("records");
    assert_eq!(records[0].id_site, Some(IntegerOrString::Integer(151734)));
    assert_eq!(records[0].last_timestamp, Some(1776515873));
    let request = sent(&server).await;
    assert_eq!(
        line(&request),
        (
            "GET".into(),
            "/installation-data-attributes".into(),
            Some("query=bs%3E%3D50&count=100".into())
        )
    );
}

// ---------------------------------------------------------------- the installations answer

#[tokio::test]
async fn quirk_name_enum_as_an_integer_no_longer_loses_the_installations() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        "/users/22/installations",
        json!({"success": true, "records": [{
            "idSite": SITE, "accessLevel": 1, "owner": false, "is_admin": false, "name": "30 ft boat",
            "identifier": "c0619ab1f0a6", "idUser": 22, "pvMax": "1200", "timezone": "Europe/Amsterdam",
            "phonenumber": null, "notes": null, "geofence": null, "geofenceEnabled": false, "realtimeUpdates": true,
            "hasMains": 1, "hasGenerator": 0, "noDataAlarmTimeout": null, "alarmMonitoring": 1,
            "invalidVRMAuthTokenUsedInLogRequest": 0, "syscreated": 1568887410, "shared": true, "device_icon": "boat",
            "extended": [{"idDataAttribute": 520, "code": "gaRC", "dataType": "enum", "rawValue": "1",
                          "formattedValue": null, "instance": 0,
                          "dataAttributeEnumValues": [{"nameEnum": 1, "valueEnum": 1}, {"nameEnum": 2, "valueEnum": 2},
                                                      {"nameEnum": "Stopped", "valueEnum": 0}]}]
        }]}),
    )
    .await;
    let list = client(&server)
        .list_installations("22")
        .extended(1)
        .await
        .expect("the whole list decodes");
    let site = &list.records[0];
    assert_eq!(site.pv_max, NumberOrString::String("1200".into()));
    let values = site.extended.as_ref().expect("extended")[0]
        .data_attribute_enum_values
        .as_ref()
        .expect("enum values");
    assert_eq!(values[0].name_enum, Some(ScalarValue::Integer(1)));
    assert_eq!(values[2].name_enum, Some(ScalarValue::String("Stopped".into())));
}

#[tokio::test]
async fn a_body_that_does_not_decode_names_the_json_path_of_the_failing_value() {
    let server = MockServer::start().await;
    let mut fixture: serde_json::Value =
        serde_json::from_str(include_str!("data/vrm_installations.json")).expect("fixture is JSON");
    // The `valueEnum` of the second state of the second extended attribute
    // of the first site is an object: neither integer nor string.
    fixture["records"][0]["extended"][1]["dataAttributeEnumValues"][1]["valueEnum"] = json!({"x": 1});
    answer(&server, "GET", "/users/22/installations", fixture).await;
    let error = client(&server)
        .list_installations("22")
        .await
        .expect_err("does not decode");
    let Error::Decode(decode) = &error else {
        panic!("a decode error: {error:?}");
    };
    assert_eq!(decode.status, 200);
    assert_eq!(
        decode.path.as_deref(),
        Some("records[0].extended[1].dataAttributeEnumValues[1].valueEnum")
    );
    assert!(
        decode.body_text().contains("\"valueEnum\":{\"x\":1}"),
        "the raw body is kept"
    );
    let text = error.to_string();
    assert!(text.contains("200"), "{text}");
    assert!(
        text.contains("does not decode at `records[0].extended[1].dataAttributeEnumValues[1].valueEnum`"),
        "{text}"
    );
}

#[tokio::test]
async fn a_wrongly_typed_field_is_named_with_serdes_message() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        &site("system-overview"),
        json!({"success": true, "records": {"devices": [{"name": "Gateway"}, {"name": 7}]}}),
    )
    .await;
    let error = client(&server)
        .get_system_overview(SITE)
        .await
        .expect_err("does not decode");
    // The path in the error's line, serde's message as its cause (`source`).
    let line = error.to_string();
    let cause = std::error::Error::source(&error).expect("serde's error").to_string();
    assert!(line.contains("at `records.devices[1].name`"), "{line}");
    assert!(
        cause.starts_with("invalid type: integer `7`, expected a string"),
        "{cause}"
    );
}

#[tokio::test]
async fn a_body_that_is_not_json_has_no_path() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(site("system-overview")))
        .respond_with(ResponseTemplate::new(200).set_body_raw("<html>maintenance</html>", "text/html"))
        .mount(&server)
        .await;
    let error = client(&server).get_system_overview(SITE).await.expect_err("not JSON");
    let Error::Decode(decode) = &error else {
        panic!("{error:?}");
    };
    assert_eq!(decode.path, None);
    assert_eq!(decode.body_text(), "<html>maintenance</html>");
}

// ---------------------------------------------------------------- files

async fn file(server: &MockServer, at: &str, media: &str, bytes: &[u8], name: Option<&str>) {
    let mut response = ResponseTemplate::new(200).set_body_raw(bytes.to_vec(), media);
    if let Some(name) = name {
        response = response.insert_header(
            "content-disposition",
            format!("attachment; filename=\"{name}\"").as_str(),
        );
    }
    Mock::given(method("GET"))
        .and(path(at))
        .respond_with(response)
        .mount(server)
        .await;
}

#[tokio::test]
async fn data_download_as_csv_gives_the_bytes_and_the_media_type() {
    let server = MockServer::start().await;
    let csv = b"timestamp,Battery SOC (%)\n2026-04-18 00:00:00,86.5\n";
    file(
        &server,
        &site("data-download"),
        "text/csv; charset=UTF-8",
        csv,
        Some("151734-log.csv"),
    )
    .await;
    let download = client(&server)
        .download_data(SITE)
        .start(1776470400)
        .end(1776556800)
        .datatype("log")
        .format(types::DownloadDataFormat::Csv)
        .debug(false)
        .r#async(false)
        .await
        .expect("a file");
    assert_eq!(download.content_type, "text/csv; charset=UTF-8");
    assert_eq!(download.media_type(), "text/csv");
    assert_eq!(download.file_name.as_deref(), Some("151734-log.csv"));
    assert_eq!(download.bytes, csv);
    assert!(download.text().starts_with("timestamp,"));
    let request = sent(&server).await;
    assert_eq!(
        line(&request),
        (
            "GET".into(),
            site("data-download"),
            Some("start=1776470400&end=1776556800&datatype=log&format=csv&debug=false&async=false".into())
        )
    );
}

#[tokio::test]
async fn data_download_as_excel_keeps_the_binary_bytes() {
    let server = MockServer::start().await;
    // The start of a zip archive (an .xlsx file), not valid UTF-8.
    let xlsx: &[u8] = &[0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0xff, 0xfe, 0x00, 0x80];
    let media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    file(&server, &site("data-download"), media, xlsx, Some("log.xlsx")).await;
    let download = client(&server)
        .download_data(SITE)
        .format(types::DownloadDataFormat::Xlsx)
        .await
        .expect("a file");
    assert_eq!(download.media_type(), media);
    assert_eq!(download.bytes, xlsx);
    assert!(format!("{download:?}").contains("<12 bytes>"), "Debug counts the bytes");
}

#[tokio::test]
async fn data_download_as_html() {
    let server = MockServer::start().await;
    let html = b"<table><tr><th>Battery SOC</th></tr><tr><td>86.5</td></tr></table>";
    file(&server, &site("data-download"), "text/html", html, None).await;
    let download = client(&server)
        .download_data(SITE)
        .format(types::DownloadDataFormat::Html)
        .await
        .expect("a file");
    assert_eq!(download.content_type, "text/html");
    assert_eq!(download.file_name, None);
    assert_eq!(download.bytes, html);
}

#[tokio::test]
async fn gps_download_as_gpx_kml_or_octet_stream() {
    let gpx = b"<?xml version=\"1.0\"?><gpx version=\"1.1\"><trk><trkseg><trkpt lat=\"52.1\" lon=\"5.1\"/></trkseg></trk></gpx>";
    let kml = b"<?xml version=\"1.0\"?><kml xmlns=\"http://www.opengis.net/kml/2.2\"><Placemark/></kml>";
    for (media, bytes) in [
        ("application/gpx+xml", &gpx[..]),
        ("application/vnd.google-earth.kml+xml", &kml[..]),
        ("application/octet-stream", &gpx[..]),
    ] {
        let server = MockServer::start().await;
        file(&server, &site("gps-download"), media, bytes, Some("track")).await;
        let download = client(&server)
            .download_gps(SITE)
            .start(1776470400)
            .end(1776556800)
            .await
            .expect("a file");
        assert_eq!(download.content_type, media);
        assert_eq!(download.bytes, bytes);
        assert_eq!(download.file_name.as_deref(), Some("track"));
        let request = sent(&server).await;
        assert_eq!(
            line(&request),
            (
                "GET".into(),
                site("gps-download"),
                Some("start=1776470400&end=1776556800".into())
            )
        );
    }
}

#[tokio::test]
async fn a_file_without_a_content_type_is_octet_stream() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(site("gps-download")))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(b"\x00\x01".to_vec()))
        .mount(&server)
        .await;
    let download = client(&server).download_gps(SITE).await.expect("a file");
    assert_eq!(download.content_type, "application/octet-stream");
    assert_eq!(download.bytes, b"\x00\x01");
}

#[tokio::test]
async fn a_failed_download_is_an_api_error_with_the_json_body() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(site("data-download")))
        .respond_with(ResponseTemplate::new(403).set_body_json(
            json!({"success": false, "errors": "User is not authorized for this operation.", "error_code": "forbidden"}),
        ))
        .mount(&server)
        .await;
    let error = client(&server).download_data(SITE).await.expect_err("refused");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(403));
    let Error::Api(api) = error else {
        panic!("{error:?}");
    };
    assert_eq!(api.parsed.expect("parsed").error_code.as_deref(), Some("forbidden"));
}

// ---------------------------------------------------------------- widgets

fn meta(pairs: &[(&str, &str, &str)]) -> serde_json::Value {
    let mut map = serde_json::Map::new();
    for (id, code, description) in pairs {
        map.insert(
            (*id).to_owned(),
            json!({"code": code, "description": description, "formatValueOnly": "%.1F",
                   "formatWithUnit": "%.1F", "axisGroup": null}),
        );
    }
    serde_json::Value::Object(map)
}

/// A summary widget's value object as the server sends it (numbers as strings).
fn value(id: i64, code: &str, value: serde_json::Value, float: serde_json::Value, text: &str) -> serde_json::Value {
    json!({"code": code, "idDataAttribute": id, "value": value, "valueFloat": float, "valueString": text,
           "valueFormattedValueOnly": text, "valueFormattedWithUnit": text, "timestamp": "1776515873",
           "hasOldData": false, "isValid": 1, "dataType": "float", "instance": 288,
           "dbusServiceType": "battery", "dbusPath": "/Soc"})
}

fn summary_values(widget: &types::SummaryWidget) -> &BTreeMap<String, WidgetDataEntry> {
    match widget.data.as_ref().expect("data") {
        SummaryWidgetData::SummaryWidgetValues(values) => &values.additional_properties,
        other => panic!("values expected: {other:?}"),
    }
}

fn widget_value<'a>(widget: &'a types::SummaryWidget, id: &str) -> &'a types::WidgetValue {
    match summary_values(widget).get(id) {
        Some(WidgetDataEntry::WidgetValue(value)) => value,
        other => panic!("a value for {id}: {other:?}"),
    }
}

#[tokio::test]
async fn graph_widget_sends_its_lists_php_style_and_decodes_the_series() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        &site("widgets/Graph"),
        json!({"success": true, "records": {
            "data": {"143": [[1776512315, 13.39], [1776512375, 13.65]], "144": [[1776512315, 99.8, 99.7, 99.9]]},
            "meta": meta(&[("143", "bv", "Voltage"), ("144", "bs", "Battery SOC")]),
            "instance": 0}}),
    )
    .await;
    let graph = client(&server)
        .get_graph_widget(SITE)
        .attribute_codes(vec!["bs".into(), "bv".into()])
        .attribute_ids(vec![143, 144])
        .instance(0)
        .start(1776512315)
        .end(1776515855)
        .width(800)
        .points_per_pixel(0.5)
        .use_min_max(true)
        .await
        .expect("decodes");
    let Some(GraphWidgetData::Series(series)) = &graph.records.data else {
        panic!("{graph:?}");
    };
    assert_eq!(series["143"][1], vec![Some(1776512375.0), Some(13.65)]);
    assert_eq!(series["144"][0].len(), 4, "with minimum and maximum");
    let Some(WidgetMeta::Attributes(meta)) = &graph.records.meta else {
        panic!("{graph:?}");
    };
    assert_eq!(meta["144"].code.as_deref(), Some("bs"));
    assert_eq!(meta["143"].axis_group, None);
    let request = sent(&server).await;
    assert_eq!(
        line(&request),
        (
            "GET".into(),
            site("widgets/Graph"),
            Some(
                "attributeCodes[]=bs&attributeCodes[]=bv&attributeIds[]=143&attributeIds[]=144&instance=0\
                 &start=1776512315&end=1776515855&width=800&pointsPerPixel=0.5&useMinMax=true"
                    .into()
            )
        )
    );
}

#[tokio::test]
async fn quirk_a_graph_without_points_has_empty_lists_for_its_maps() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        &site("widgets/Graph"),
        json!({"success": true, "records": {"data": [], "meta": [], "instance": "0"}}),
    )
    .await;
    let graph = client(&server).get_graph_widget(SITE).await.expect("decodes");
    assert_eq!(graph.records.data, Some(GraphWidgetData::EmptyList(Vec::new())));
    assert_eq!(graph.records.meta, Some(WidgetMeta::EmptyList(Vec::new())));
    assert_eq!(graph.records.instance, Some(IntegerOrString::String("0".into())));
}

#[tokio::test]
async fn quirk_a_widget_whose_records_are_an_empty_list() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        &site("widgets/BatterySummary"),
        json!({"success": true, "records": []}),
    )
    .await;
    let summary = client(&server)
        .get_battery_summary_widget(SITE)
        .await
        .expect("decodes")
        .records;
    assert_eq!(summary.data, None);
    assert_eq!(summary.meta, None);
}

#[tokio::test]
async fn quirk_graph_points_of_another_shape_are_kept_as_json() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        &site("widgets/Graph"),
        json!({"success": true, "records": {"data": {"143": [[1776512315, "13.39"]]}, "meta": []}}),
    )
    .await;
    let graph = client(&server).get_graph_widget(SITE).await.expect("decodes");
    assert_eq!(
        graph.records.data,
        Some(GraphWidgetData::Other(json!({"143": [[1776512315, "13.39"]]})))
    );
}

#[tokio::test]
async fn battery_summary_widget_gives_the_state_of_charge_by_attribute_id() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        &site("widgets/BatterySummary"),
        json!({"success": true, "records": {
            "data": {"hasOldData": false, "secondsAgo": {"value": 0, "valueFormattedWithUnit": "0s"},
                     "47": value(47, "V", json!("13.39"), json!(13.39), "13.39 V"),
                     "51": value(51, "SOC", json!("87.5"), json!(87.5), "87.5 %")},
            "meta": meta(&[("47", "V", "Voltage"), ("51", "SOC", "State of charge")]),
            "attributeOrder": [47, 51]}}),
    )
    .await;
    let summary = client(&server)
        .get_battery_summary_widget(SITE)
        .instance(288)
        .await
        .expect("decodes")
        .records;
    let soc = widget_value(&summary, "51");
    assert_eq!(soc.value_float, Some(NumberOrString::Number(87.5)));
    assert_eq!(soc.value, Some(ScalarValue::String("87.5".into())));
    assert_eq!(flag(&soc.is_valid), Some(true));
    let SummaryWidgetData::SummaryWidgetValues(values) = summary.data.as_ref().expect("data") else {
        panic!("values");
    };
    assert_eq!(flag(&values.has_old_data), Some(false));
    assert_eq!(
        values.seconds_ago,
        Some(json!({"value": 0, "valueFormattedWithUnit": "0s"}))
    );
    assert_eq!(summary.attribute_order.as_ref().expect("order").len(), 2);
    let request = sent(&server).await;
    assert_eq!(
        line(&request),
        (
            "GET".into(),
            site("widgets/BatterySummary"),
            Some("instance=288".into())
        )
    );
}

#[tokio::test]
async fn quirk_a_widget_value_with_an_integer_name_enum_and_a_string_value_enum() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        &site("widgets/Status"),
        json!({"success": true, "records": {"data": {
            "40": {"code": "S", "idDataAttribute": 40, "value": 9, "valueFloat": "9", "nameEnum": 9,
                   "valueEnum": "9", "dataType": "enum"}}, "meta": []}}),
    )
    .await;
    let status = client(&server).get_status_widget(SITE).await.expect("decodes").records;
    let state = widget_value(&status, "40");
    assert_eq!(state.name_enum, Some(ScalarValue::Integer(9)));
    assert_eq!(state.value_enum, Some(IntegerOrString::String("9".into())));
    assert_eq!(state.value_float, Some(NumberOrString::String("9".into())));
}

#[tokio::test]
async fn quirk_an_unexpected_member_of_widget_data_is_kept_not_fatal() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        &site("widgets/TankSummary"),
        json!({"success": true, "records": {"data": {
            "hasOldData": 0, "330": value(330, "tl", json!(61), json!(61), "61 %"), "lastUpdate": 1776515873},
            "meta": meta(&[("330", "tl", "Tank level")])}}),
    )
    .await;
    let tank = client(&server)
        .get_tank_summary_widget(SITE)
        .await
        .expect("decodes")
        .records;
    assert_eq!(widget_value(&tank, "330").value, Some(ScalarValue::Integer(61)));
    assert_eq!(
        summary_values(&tank).get("lastUpdate"),
        Some(&WidgetDataEntry::Other(json!(1776515873)))
    );
}

#[tokio::test]
async fn quirk_a_summary_widget_of_a_site_without_the_device_has_empty_lists() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        &site("widgets/EvChargerSummary"),
        json!({"success": true, "records": {"data": [], "meta": [], "attributeOrder": []}}),
    )
    .await;
    let ev = client(&server)
        .get_ev_charger_summary_widget(SITE)
        .await
        .expect("decodes")
        .records;
    assert_eq!(ev.data, Some(SummaryWidgetData::EmptyList(Vec::new())));
    assert_eq!(ev.meta, Some(WidgetMeta::EmptyList(Vec::new())));
    let request = sent(&server).await;
    assert_eq!(line(&request), ("GET".into(), site("widgets/EvChargerSummary"), None));
}

/// The summary widgets not covered above: each its own path and answer type.
#[tokio::test]
async fn the_other_summary_widgets() {
    let server = MockServer::start().await;
    let body = |id: &str, code: &str| {
        json!({"success": true, "records": {
            "data": {"hasOldData": false, id: value(id.parse().unwrap(), code, json!("1.5"), json!(1.5), "1.5")},
            "meta": meta(&[(id, code, code)]), "attributeOrder": [id]}})
    };
    answer(&server, "GET", &site("widgets/GPS"), body("4", "lt")).await;
    answer(&server, "GET", &site("widgets/SolarChargerSummary"), body("94", "ScW")).await;
    answer(&server, "GET", &site("widgets/PVInverterStatus"), body("205", "pP1")).await;
    answer(&server, "GET", &site("widgets/HistoricData"), body("58", "H1")).await;
    let client = client(&server);
    let gps = client.get_gps_widget(SITE).instance(0).await.expect("GPS").records;
    assert_eq!(widget_value(&gps, "4").code.as_deref(), Some("lt"));
    let solar = client
        .get_solar_charger_summary_widget(SITE)
        .await
        .expect("solar charger")
        .records;
    assert_eq!(
        widget_value(&solar, "94").value_float,
        Some(NumberOrString::Number(1.5))
    );
    let pv = client
        .get_pv_inverter_status_widget(SITE)
        .await
        .expect("PV inverter")
        .records;
    assert_eq!(pv.attribute_order, Some(vec![IntegerOrString::String("205".into())]));
    let history = client
        .get_historic_data_widget(SITE)
        .await
        .expect("historic data")
        .records;
    assert_eq!(
        widget_value(&history, "58").value,
        Some(ScalarValue::String("1.5".into()))
    );
    let paths: Vec<String> = common::requests(&server).await.iter().map(|r| line(r).1).collect();
    assert_eq!(
        paths,
        [
            site("widgets/GPS"),
            site("widgets/SolarChargerSummary"),
            site("widgets/PVInverterStatus"),
            site("widgets/HistoricData")
        ]
    );
}

#[tokio::test]
async fn generator_state_widget_names_its_states() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        &site("widgets/GeneratorState"),
        json!({"success": true, "records": {
            "data": {},
            "enums": {"520": {"0": "Stopped", "1": "Manual start", "4": "State of Charge"}},
            "sort": {"520": {"0": 0, "1": 1, "4": 4}},
            "meta": meta(&[("520", "gaRC", "Generator run reason")]),
            "buckets": {}}}),
    )
    .await;
    let state = client(&server)
        .get_generator_state_widget(SITE)
        .instance(1)
        .start(1776470400)
        .end(1776556800)
        .await
        .expect("decodes")
        .records;
    let Some(StateWidgetEnums::Attributes(enums)) = &state.enums else {
        panic!("{state:?}");
    };
    let EnumLabels::Map(labels) = &enums["520"] else {
        panic!("{enums:?}");
    };
    assert_eq!(labels["4"], "State of Charge");
    assert_eq!(state.data, Some(json!({})));
    let request = sent(&server).await;
    assert_eq!(
        line(&request),
        (
            "GET".into(),
            site("widgets/GeneratorState"),
            Some("instance=1&start=1776470400&end=1776556800".into())
        )
    );
}

#[tokio::test]
async fn quirk_state_names_numbered_from_zero_arrive_as_a_list() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        &site("widgets/VeBusState"),
        json!({"success": true, "records": {
            "data": {"40": [[1776470400, 3], [1776474000, 5]]},
            "enums": {"40": ["Off", "Low power", "Fault", "Bulk", "Absorption", "Float"]},
            "sort": [], "meta": meta(&[("40", "S", "VE.Bus state")]), "buckets": []}}),
    )
    .await;
    let state = client(&server)
        .get_ve_bus_state_widget(SITE)
        .await
        .expect("decodes")
        .records;
    let Some(StateWidgetEnums::Attributes(enums)) = &state.enums else {
        panic!("{state:?}");
    };
    let EnumLabels::List(labels) = &enums["40"] else {
        panic!("{enums:?}");
    };
    assert_eq!(labels[5], "Float");
    assert_eq!(state.sort, Some(json!([])));
}

/// The state widgets not covered above: each its own path and answer type.
#[tokio::test]
async fn the_other_state_widgets() {
    let server = MockServer::start().await;
    let body = |id: &str, names: serde_json::Value| {
        json!({"success": true, "records": {"data": {id: [[1776470400, 1]]}, "enums": {id: names},
               "sort": {}, "meta": meta(&[(id, "st", "State")]), "buckets": {}}})
    };
    answer(
        &server,
        "GET",
        &site("widgets/InverterChargerState"),
        body("572", json!(["Off", "Inverting"])),
    )
    .await;
    answer(
        &server,
        "GET",
        &site("widgets/MPPTState"),
        body("85", json!({"0": "Off", "3": "Bulk", "5": "Float"})),
    )
    .await;
    answer(
        &server,
        "GET",
        &site("widgets/BatteryMonitorWarningsAndAlarms"),
        json!({"success": true, "records": {"data": [], "enums": [], "sort": [], "meta": [], "buckets": []}}),
    )
    .await;
    let client = client(&server);
    let inverter = client
        .get_inverter_charger_state_widget(SITE)
        .await
        .expect("inverter/charger")
        .records;
    assert!(matches!(&inverter.enums, Some(StateWidgetEnums::Attributes(e)) if e.contains_key("572")));
    let mppt = client.get_mppt_state_widget(SITE).await.expect("MPPT").records;
    let Some(StateWidgetEnums::Attributes(enums)) = &mppt.enums else {
        panic!("{mppt:?}");
    };
    assert_eq!(
        enums["85"],
        EnumLabels::Map(BTreeMap::from([
            ("0".to_owned(), "Off".to_owned()),
            ("3".to_owned(), "Bulk".to_owned()),
            ("5".to_owned(), "Float".to_owned()),
        ]))
    );
    let alarms = client
        .get_battery_monitor_warnings_and_alarms_widget(SITE)
        .await
        .expect("battery monitor alarms")
        .records;
    assert_eq!(alarms.enums, Some(StateWidgetEnums::EmptyList(Vec::new())));
    assert_eq!(alarms.meta, Some(WidgetMeta::EmptyList(Vec::new())));
    let paths: Vec<String> = common::requests(&server).await.iter().map(|r| line(r).1).collect();
    assert_eq!(
        paths,
        [
            site("widgets/InverterChargerState"),
            site("widgets/MPPTState"),
            site("widgets/BatteryMonitorWarningsAndAlarms")
        ]
    );
}
