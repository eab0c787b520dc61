//! How `netlab lab` describes a lab that is up: one fact per line, so it
//! fits any terminal.

use crate::transport::lab::Lab;

/// `lab is up:` and then each host, the link's MTU and the loss.
pub fn describe(lab: &Lab) -> String {
    let host = |name: &str, h: &crate::transport::lab::Host| {
        crate::tr!(
            "lab-host",
            name = name,
            addr = h.addr.to_string(),
            namespace = h.namespace.to_string(),
            iface = h.iface.to_string()
        )
    };
    format!(
        "{}\n  {}\n  {}\n  {}",
        crate::tr!("lab-is-up"),
        host("a", &lab.a),
        host("b", &lab.b),
        crate::tr!(
            "lab-link",
            mtu = lab.mtu,
            loss = lab.loss_percent.to_string()
        )
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;
    use crate::lang::testing::speaking;
    use crate::transport::lab::{HOST_A, HOST_B};

    fn lab() -> Lab {
        Lab {
            a: HOST_A,
            b: HOST_B,
            loss_percent: 5.0,
            mtu: 1500,
        }
    }

    #[test]
    fn one_fact_a_line_in_either_language() {
        let en = speaking(Lang::En, || describe(&lab()));
        let lines: Vec<&str> = en.lines().collect();
        assert_eq!(lines[0], "lab is up:");
        assert!(lines[1].starts_with("  host a  198.18.0.1 ("), "{en}");
        assert_eq!(lines[3], "  link    MTU 1500, loss 5% each way");
        let zh = speaking(Lang::Zh, || describe(&lab()));
        assert!(zh.starts_with("实验网络已经建好：\n  主机 a  198.18.0.1（"));
        assert!(zh.ends_with("  链路    MTU 1500，每个方向丢包 5%"), "{zh}");
    }
}
