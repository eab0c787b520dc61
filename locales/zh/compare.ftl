# 给人看的 TCP 与 UDP 对照表（src/transport/compare/report.rs、
# src/tools/compare.rs）：`netlab compare` 和第 9 课。`--json` 不用这些：
# 它保留各行的英文原文，供程序匹配。

compare-col-measured = 测量项目
compare-col-shows = 说明了什么
compare-spread = 中位数 { $median }，p99 { $p99 }

compare-setup = 建立连接
compare-setup-tcp = connect()：{ $spread }
compare-setup-udp = 不需要；socket() + 第一次 sendto()：{ $spread }
compare-setup-shows =
    TCP 要等一个往返时间，交换完 SYN、SYN-ACK 之后才能传数据（RFC 9293 §
    3.5）；UDP 的第一个分组就是数据。

compare-round-trip = 往返
compare-round-trip-cell = { $size } B：{ $spread }
compare-round-trip-shows =
    连接建好以后，一条小 TCP 消息的代价和一个 UDP 数据报差不多；花时间的是
    握手和重传。

compare-bulk = 批量吞吐量
compare-bulk-tcp = { $rate } Gbit/s（每次写 128 KiB），丢失 0
compare-bulk-udp = { $rate } Gbit/s（1472 B 的数据报），{ $sent } 个中丢失 { $lost } 个
compare-bulk-shows =
    TCP 的接收窗口控制发送方的速度，所以什么也不丢；UDP 没有流量控制，
    发得快的一方会压垮接收方。

compare-small = 64 B 的消息
compare-small-tcp = 每秒写 { $rate } 次，到达时只读了 { $reads } 次
compare-small-udp = 每秒 { $rate } 个数据报，{ $sent } 个中丢失 { $lost } 个
compare-small-shows =
    对小消息来说，TCP 甚至可能更快：它把多次写入合并成较少的报文段和
    读取，而每个 UDP 数据报都要把协议栈完整地走一遍。

compare-stops = 接收方停止读取
compare-stops-tcp = write() 在 { $accepted } KiB 之后返回 EAGAIN；之后全部 { $received } KiB 都读到了
compare-stops-udp = { $sent } 次 sendto() 全部成功；到达 { $received } 个
compare-stops-shows =
    TCP 的流量控制让发送方停下来（RFC 9293 § 3.8.6）；UDP 默默地丢弃
    （RFC 8085 § 3.1）。

compare-writes = 3 次写入，每次 100 B
compare-writes-tcp = read() 返回 { $sizes }
compare-writes-udp = recv() 返回 { $sizes }
compare-writes-shows =
    TCP 是字节流，不保留消息边界（RFC 9293 § 2.2）；每个 UDP 数据报都完整
    到达（RFC 768）。

compare-largest = 一次能发送的最大长度
compare-largest-tcp = 一次 write() { $kib } KiB：被接受，分 { $reads } 次读出
compare-largest-udp = { $largest } B：完整地发出并收到；{ $refused } B：{ $result }
compare-largest-sent = 发出了 { $bytes }（出乎意料）
compare-largest-shows =
    IP 首部的总长度字段只有 16 位（RFC 791 § 3.1），所以一个 UDP 数据报最多
    65,507 字节；TCP 字节流没有长度上限。

compare-lossy = 经过一条会丢包的链路
compare-lossy-tcp = { $sent } B 中收到 { $received } B，{ $order }，重传 { $retransmissions } 次，用时 { $took }
compare-in-order = 顺序正确
compare-corrupted = 数据损坏！
compare-lossy-udp = { $sent } 个中到达 { $received } 个，丢失 { $lost } 个，乱序 { $reordered } 个
compare-lossy-shows =
    TCP 不断重传，直到每个字节都按顺序到达（RFC 9293 § 3.8.1）；UDP 只交付
    幸存下来的部分（RFC 768）。

compare-within-mtu = 不超过 MTU 的 UDP
compare-above-mtu = 超过 MTU 的 UDP
compare-mtu-tcp = （TCP 按 MSS 切分报文段，总能装下）
compare-mtu-udp = { $payload } B 数据：{ $fate }{ $lost }
compare-one-packet = 一个分组
compare-fragments = { $fragments } 个分片，重新装配了 { $reassembled } 个
compare-mtu-lost = ，丢失了
compare-mtu-shows =
    比链路 MTU 大的 IP 数据报要分片传送，只有所有分片都到达时才是完整的
    （RFC 791 § 2.3）。
