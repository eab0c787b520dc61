# 第 8 课的现场输出（src/course/lesson08.rs）：地址、localhost、两个地址族、
# 端口的类别、短暂端口范围。

ports-loopback =
    recvfrom() 说数据报来自 { $from }：127.42.0.1 也是本机，127.0.0.0/8
    中的每个地址都是
ports-hosts-lines = /etc/hosts 中写有 localhost 的行：
ports-localhost-both =
    这里的 localhost 既是 127.0.0.1 也是 ::1：客户端按上面的顺序逐个尝试
ports-localhost-v4 =
    这里的 localhost 只有 IPv4：这个 /etc/hosts 没有 `::1 localhost`
    这一行，虽然 ::1 本身是可用的（见下一步）
ports-family =
    环回地址 { $loopback }，每个地址 { $bits } 位，sockaddr 占 { $sockaddr } 字节
ports-family-connected = 已通过 { $family } 连接 { $client } → { $server }
ports-family-failed = 无法连接：{ $error }
ports-article-reserved =
    原文说 0–1024 是保留端口：保留范围其实到 1023 为止（RFC 6335 § 6）。
ports-unprivileged-start =
    这个内核允许非特权程序绑定 { $start } 及以上的端口
    （/proc/sys/net/ipv4/ip_unprivileged_port_start）。
ports-separate-spaces =
    TCP 和 UDP 的端口空间是分开的：一个 TCP 套接字和一个 UDP 套接字同时绑定
    在 127.0.0.1:{ $port } 上。
ports-ephemeral-range =
    短暂端口范围：{ $start }–{ $end }
    （/proc/sys/net/ipv4/ip_local_port_range）；RFC 6335 的动态端口范围是
    49152–65535。
ports-ephemeral-seen = { $count } 个连接得到的本地端口是 { $ports }：{ $verdict }。
ports-ephemeral-inside = 全都在内核的范围之内，由内核挑选，而不是由 IANA 分配
ports-ephemeral-outside = 并非全在范围之内：其间有什么改动了这个设置
