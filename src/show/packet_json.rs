//! A dissected frame as JSON, for programs: `netlab dissect --json`.
//!
//! One JSON object per frame, one frame per line ("JSON Lines"), so a
//! million-packet capture streams through in constant memory and tools like
//! `jq` can read it line by line. The fields are exactly those of the tree
//! ([`super::packet::fields`]), so what a student reads and what a script
//! reads never disagree.
//!
//! ```json
//! {"number":1,"time":1764000000.123456,"captured":74,"original":74,
//!  "layers":[{"layer":"Ethernet II","osi":2,"osi_name":"data link",
//!             "tcpip":"link","bytes":[0,14],"fields":{"destination":…}},…],
//!  "problem":null,"data":[74,74]}
//! ```

use std::time::Duration;

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use super::packet::{fields, osi_name, osi_of, problem, tcpip_name};
use crate::wire::dissect::{Decoded, Dissection};

#[derive(Serialize)]
struct Frame<'a> {
    number: u64,
    time: f64,
    captured: usize,
    original: usize,
    layers: Vec<Layer<'a>>,
    problem: Option<String>,
    data: [usize; 2],
}

#[derive(Serialize)]
struct Layer<'a> {
    layer: String,
    osi: u8,
    osi_name: &'static str,
    tcpip: &'static str,
    bytes: [usize; 2],
    fields: Fields<'a>,
}

/// A header's fields as a JSON object, in wire order.
struct Fields<'a>(&'a Decoded);

impl Serialize for Fields<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let list = fields(&self.0.header);
        let mut map = s.serialize_map(Some(list.len()))?;
        for (name, value) in &list {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

/// Renders frame `number`, captured at `time` (since the Unix epoch), as
/// one line of JSON (no newline).
pub fn render(number: u64, time: Duration, d: &Dissection) -> String {
    let frame = Frame {
        number,
        time: time.as_secs_f64(),
        captured: d.captured,
        original: d.original,
        layers: d
            .layers
            .iter()
            .map(|l| {
                let osi = osi_of(l.header.layer());
                Layer {
                    layer: super::packet::title_of(&l.header),
                    osi,
                    osi_name: osi_name(osi),
                    tcpip: tcpip_name(osi),
                    bytes: [l.bytes.start, l.bytes.end],
                    fields: Fields(l),
                }
            })
            .collect(),
        problem: d.problem.as_ref().map(problem),
        data: [d.rest.start, d.rest.end],
    };
    // Serialising plain structs of strings and numbers cannot fail.
    serde_json::to_string(&frame).unwrap_or_else(|e| {
        format!("{{\"number\":{number},\"error\":{:?}}}", e.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::dissect::{Link, dissect};
    use crate::wire::fixtures::SYN_FRAME;

    #[test]
    fn one_object_per_frame_with_the_trees_fields() {
        let d = dissect(&SYN_FRAME, Link::Ethernet, SYN_FRAME.len());
        let line = render(1, Duration::from_millis(1500), &d);
        assert!(!line.contains('\n'));
        let v: serde_json::Value =
            serde_json::from_str(&line).expect("valid JSON");
        assert_eq!(v["number"], 1);
        assert_eq!(v["time"], 1.5);
        assert_eq!(v["layers"][0]["layer"], "Ethernet II");
        assert_eq!(v["layers"][1]["tcpip"], "internet");
        assert_eq!(v["layers"][2]["fields"]["destination_port"], "5222");
        assert_eq!(v["layers"][2]["bytes"][0], 34);
        assert!(v["problem"].is_null());
    }
}
