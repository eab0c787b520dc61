//! `netlab compare --json` against its schema, `schemas/compare.schema.json`.
//!
//! The schema is what a program reading the output relies on, so it is
//! checked against real output: the binary runs its loopback measurements
//! (no `--loss`: that builds a namespace lab, which needs root and belongs
//! in `tests/compare.rs`), and every key and type must be as the schema
//! says, with no key the schema does not name. The lab's two objects are
//! checked too, built from hand-written measurements the way the lab run
//! builds them. Then a few facts that hold on any machine (TCP loses no
//! byte, UDP keeps three 100-byte messages apart, 65,507 is the largest
//! IPv4 datagram): no timing thresholds, those belong in benchmarks.
//!
//! The validator is the `jsonschema` crate (draft 2020-12), so the schema
//! is also checked against the draft's meta-schema.

use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use netlab::transport::compare::{
    AroundTheMtu, FragmentRow, Fragmentation, LossReport, LossyLink,
};
use serde_json::{Value, json};

const NETLAB: &str = env!("CARGO_BIN_EXE_netlab");

/// The schema file, parsed.
fn schema() -> Value {
    let path =
        concat!(env!("CARGO_MANIFEST_DIR"), "/schemas/compare.schema.json");
    let text = std::fs::read_to_string(path).expect("the schema is there");
    serde_json::from_str(&text).expect("the schema is JSON")
}

/// Every way `instance` breaks the schema, one line each ("" if none).
fn violations(instance: &Value) -> String {
    let schema = schema();
    let validator = jsonschema::draft202012::new(&schema)
        .expect("the schema compiles as draft 2020-12");
    validator
        .iter_errors(instance)
        .map(|e| format!("at {}: {e}\n", e.instance_path()))
        .collect()
}

/// One run of `netlab compare --json`, shared by the tests: it measures
/// for about five seconds.
fn output() -> &'static Value {
    static OUTPUT: OnceLock<Value> = OnceLock::new();
    OUTPUT.get_or_init(|| {
        let out = Command::new(NETLAB)
            .args(["compare", "--json", "--count", "50"])
            .env("NO_COLOR", "1")
            .output()
            .expect("netlab runs");
        assert!(
            out.status.success(),
            "netlab compare --json failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}",
                String::from_utf8_lossy(&out.stdout)
            )
        })
    })
}

#[test]
fn the_schema_is_valid_draft_2020_12() {
    let schema = schema();
    if let Err(e) = jsonschema::meta::validate(&schema) {
        panic!("the schema breaks the 2020-12 meta-schema: {e}");
    }
}

#[test]
fn real_output_matches_the_schema() {
    let output = output();
    let broken = violations(output);
    assert!(broken.is_empty(), "{broken}\nin:\n{output:#}");
}

#[test]
fn real_output_holds_what_the_kernel_guarantees() {
    let output = output();
    assert_eq!(output["version"], 1);
    let m = &output["measurements"];
    let rows = output["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 7, "one row per loopback measurement");
    // Without --loss there is no lab, and no lab numbers.
    assert!(m.get("lossy_link").is_none() && m.get("fragmentation").is_none());

    assert_eq!(m["connection_setup"]["samples"], 50);
    assert_eq!(m["round_trip"]["message_bytes"], 64);
    for who in ["tcp", "udp"] {
        let median = m["round_trip"][format!("{who}_rtt_median_us")]
            .as_f64()
            .expect("a number");
        let p99 = m["round_trip"][format!("{who}_rtt_p99_us")]
            .as_f64()
            .expect("a number");
        assert!(0.0 < median && median <= p99, "{who}: {median} > {p99}");
    }

    let bulk = &m["bulk_throughput"];
    assert_eq!(bulk["tcp_bytes_sent"], bulk["tcp_bytes_received"]);
    assert_eq!(bulk["tcp_lost_bytes"], 0);
    assert!(bulk["tcp_bits_per_second"].as_f64() > Some(0.0));
    assert_eq!(bulk["tcp_write_bytes"], 128 * 1024);
    assert_eq!(bulk["udp_datagram_bytes"], 1472);

    let flow = &m["receiver_stops_reading"];
    assert_eq!(flow["tcp_accepted_bytes"], flow["tcp_received_bytes"]);

    let b = &m["message_boundaries"];
    assert_eq!(b["written_bytes"], json!([100, 100, 100]));
    assert_eq!(b["udp_read_bytes"], json!([100, 100, 100]));
    let tcp_total: u64 = b["tcp_read_bytes"]
        .as_array()
        .expect("sizes")
        .iter()
        .filter_map(Value::as_u64)
        .sum();
    assert_eq!(tcp_total, 300);

    let big = &m["largest_single_send"];
    assert_eq!(big["udp_largest_bytes"], 65_507);
    assert_eq!(big["udp_largest_received_bytes"], 65_507);
    assert_eq!(big["udp_too_large_bytes"], 65_508);
    assert!(big["udp_too_large_error"].is_string(), "{big}");
    assert_eq!(big["tcp_accepted_bytes"], big["tcp_write_bytes"]);
}

/// What `netlab compare --loss 5` measures across the lab, written by
/// hand: the lab itself needs root and namespaces, its JSON does not.
fn lab_measurements() -> (LossReport, Fragmentation) {
    let loss = LossReport {
        loss_percent: 5.0,
        tcp_bytes_sent: 2 << 20,
        tcp_bytes_received: 2 << 20,
        tcp_first_mismatch: None,
        tcp_elapsed: Duration::from_micros(812_345),
        tcp_retransmissions: 97,
        udp_sent: 2000,
        udp_received: 1805,
        udp_lost: 195,
        udp_reordered: 0,
        udp_duplicates: 0,
        udp_dropped_buffer_full: 0,
    };
    let row = |payload: usize, fragments, received| FragmentRow {
        payload,
        ip_total: payload + 28,
        fragmented: u64::from(fragments > 0),
        fragments,
        reassembly_fragments: fragments,
        reassembled: u64::from(fragments > 0),
        received,
    };
    let fragmentation = Fragmentation {
        mtu: 1500,
        rows: vec![row(1472, 0, Some(1472)), row(1473, 2, None)],
    };
    (loss, fragmentation)
}

#[test]
fn the_lab_numbers_match_the_schema() {
    let (loss, fragmentation) = lab_measurements();
    let mut output = output().clone();
    let m = &mut output["measurements"];
    m["lossy_link"] =
        serde_json::to_value(LossyLink::of(&loss)).expect("serializes");
    m["fragmentation"] = serde_json::to_value(AroundTheMtu::of(&fragmentation))
        .expect("serializes");
    let broken = violations(&output);
    assert!(broken.is_empty(), "{broken}\nin:\n{output:#}");

    let m = &output["measurements"];
    assert_eq!(m["lossy_link"]["tcp_in_order"], true);
    assert_eq!(m["lossy_link"]["tcp_elapsed_us"], 812_345.0);
    assert_eq!(
        m["fragmentation"]["datagrams"][1]["received_bytes"],
        Value::Null
    );
}

#[test]
fn the_schema_refuses_what_a_program_could_not_use() {
    let good = output();
    // The shape before numbers: rows of text only.
    let old = json!({ "rows": good["rows"] });
    assert!(!violations(&old).is_empty(), "the text-only shape passed");
    // A number written as text, the way the rows write it.
    let mut text = good.clone();
    text["measurements"]["bulk_throughput"]["tcp_bits_per_second"] =
        json!("26.8 Gbit/s");
    assert!(!violations(&text).is_empty(), "a number as text passed");
    // A key the schema does not document.
    let mut extra = good.clone();
    extra["measurements"]["round_trip"]["rtt_mean_us"] = json!(1.0);
    assert!(!violations(&extra).is_empty(), "an undocumented key passed");
}
