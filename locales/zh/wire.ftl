# 分组解析器（src/wire/）的错误：为什么一个首部读不出来。规则由解析器
# 选定（src/wire/*.rs 里的 `rule!`），显示时才组成句子；
# `netlab dissect --json` 总是用英文。括号里的 RFC 章节来自代码。
# malformed 一律译作“格式错误”，truncated 译作“被截断”；首部、报文段、
# 数据报、检验和、标号等依照术语表（book/zh/src/glossary.md）。

## 三种错误（src/wire/mod.rs）

wire-truncated =
    { $layer } 被截断了：需要 { $needed } 字节，但只抓到了
    { $available } 字节
wire-malformed = { $layer } { $rule }（{ $spec }）
wire-buffer-too-small =
    { $layer } 需要 { $needed } 字节的缓冲区来写入，却只有 { $available } 字节
wire-layer-ipv6-ext = IPv6 扩展首部
wire-mixed-families = 伪首部不能混用 { $src } 和 { $dst } 两种地址族

## IPv4（src/wire/ipv4.rs）

wire-ipv4-version = 版本 { $version } 不是 4
wire-ipv4-ihl = 首部长度 { $length } 小于最小值 { $minimum }
wire-ipv4-total-length = 总长度 { $total } 小于它自己的首部长度 { $header }
wire-ipv4-options =
    { $length } 字节的选项不是整数个 32 位字，或超过了 { $maximum } 字节
wire-ipv4-total-length-too-big = 总长度 { $length } 超出了 16 位能表示的范围

## IPv6 和它的扩展首部（src/wire/ipv6.rs）

wire-ipv6-version = 版本 { $version } 不是 6
wire-ipv6-jumbogram =
    有效载荷长度为 0 而下一个首部是 Hop-by-Hop，这表示一个巨型数据报
    （jumbogram），本工具不支持
wire-ipv6-payload-too-long = 有效载荷长度 { $length } 超出了 16 位能表示的范围
wire-ipv6-flow-label = 流标号 { $label } 超出了 20 位能表示的范围
wire-ipv6-chain-too-long =
    链中的首部超过 { $maximum } 个，比任何真实的分组携带的都多
wire-ipv6-hop-by-hop-late =
    第 { $at } 字节处的 Hop-by-Hop 首部没有紧跟在 IPv6 首部之后
wire-ipv6-ah-too-short =
    第 { $at } 字节处的 AH 的有效载荷长度字段为 { $field }，即 { $length }
    字节，比它固定的 12 字节还短
wire-ipv6-option-no-length =
    第 { $at } 字节处类型为 { $kind } 的选项在首部结束之前没有长度字节
wire-ipv6-option-too-long =
    第 { $at } 字节处类型为 { $kind } 的选项有 { $length } 字节数据，超出了
    在第 { $end } 字节结束的首部

## UDP（src/wire/udp.rs）

wire-udp-length = 长度 { $length } 小于最小值 { $minimum }
wire-udp-length-too-big = 长度 { $length } 超出了 16 位能表示的范围

## TCP（src/wire/tcp.rs）

wire-tcp-data-offset = 数据偏移 { $length } 小于最小值 { $minimum }
wire-tcp-options-too-long =
    { $length } 字节的选项超出了数据偏移最多能表示的 40 字节
wire-tcp-option-no-length =
    第 { $at } 字节处类型为 { $kind } 的选项在首部结束之前没有长度字节
wire-tcp-option-too-short =
    第 { $at } 字节处类型为 { $kind } 的选项长度为 { $length }，比它自己的
    类型和长度两个字节还短
wire-tcp-option-too-long =
    第 { $at } 字节处类型为 { $kind } 的选项长度为 { $length }，超出了在第
    { $end } 字节结束的首部
wire-tcp-option-length =
    第 { $at } 字节处{ $option ->
        [mss] 的 MSS 选项
        [window-scale] 的窗口扩大选项
        [sack-permitted] 的 SACK-permitted 选项
       *[timestamps] 的时间戳选项
    }长度为 { $length }，不是 { $expected }
wire-tcp-sack-length =
    第 { $at } 字节处的 SACK 选项长度为 { $length }，不是 8 × 块数 + 2

## ARP（src/wire/arp.rs）

wire-arp-lengths =
    地址长度 { $hardware } 和 { $protocol } 不是以太网和 IPv4 的 6 和 4
wire-arp-lengths-differ = 发送方和目标的地址长度不同，却共用一个长度字段
wire-arp-lengths-too-big =
    地址长度 { $hardware } 和 { $protocol } 超出了一个字节能表示的范围

## ICMPv6（src/wire/icmpv6.rs）

wire-icmpv6-too-long = { $length } 字节的报文太长，无法计算检验和

## 邻居发现（src/wire/ndp.rs）

wire-ndp-option-no-length =
    第 { $at } 字节处类型为 { $kind } 的选项在报文结束之前没有长度字节
wire-ndp-option-zero-length =
    第 { $at } 字节处类型为 { $kind } 的选项长度为 0，这是无效的：该分组必须丢弃
wire-ndp-option-too-long =
    第 { $at } 字节处类型为 { $kind } 的选项长 { $length } 字节，超出了在第
    { $end } 字节结束的报文

## TLS 记录（src/wire/tls_record.rs）

wire-tls-version = 记录版本 { $version } 不是以 3 开头
wire-tls-length = 记录长度 { $length } 超过了最大值 { $maximum }

## DNS（src/wire/dns.rs）

wire-dns-label-length-of =
    { $name } 中的标号 { $label } 有 { $length } 字节，不在 1 到
    { $maximum } 之间
wire-dns-label-length = { $length } 字节的标号不在 1 到 { $maximum } 字节之间
wire-dns-name-too-long = 名字 { $name } 占 { $length } 字节，超过了 { $maximum }
wire-dns-name-at-too-long = 第 { $at } 字节处的名字超过了 { $maximum } 字节
wire-dns-tcp-length =
    { $length } 字节的报文在第 { $end } 字节就结束了，早于它的 TCP 长度前缀
    所说的位置
wire-dns-emit-records = 报文有 { $records } 条记录；emit 只写首部和问题
wire-dns-qdcount = { $questions } 个问题超出了 QDCOUNT 能表示的范围
wire-dns-rdata-length =
    第 { $at } 字节处的 { $record } 记录数据有 { $length } 字节，不是
    { $expected }
wire-dns-rdata-too-short =
    第 { $at } 字节处的 { $record } 记录数据只有 { $length } 字节，不到
    { $minimum }
wire-dns-rdata-name-end =
    第 { $at } 字节处的 { $record } 记录数据在第 { $end } 字节结束，但其中的
    名字在第 { $name_end } 字节结束
wire-dns-soa-length =
    第 { $at } 字节处的 SOA 记录数据在两个名字之后有 { $length } 字节，不是 20
wire-dns-txt-string =
    第 { $at } 字节处的 TXT 字符串长度为 { $length }，超出了在第 { $end }
    字节结束的记录数据
wire-dns-pointer-forward =
    第 { $name } 字节处的名字里，第 { $at } 字节处的指针指向第 { $target }
    字节，不在第 { $before } 字节之前：只跟随指向前面的指针
wire-dns-label-reserved-bits =
    第 { $at } 字节处的标号长度字节 { $byte } 以保留位 { $bits } 开头
