# 第 9 课的现场输出（src/course/lesson09.rs、src/show/analogies.rs、
# src/show/app_acks.rs）：测量出来的 TCP 与 UDP 对比。对照表本身的文字
# 在 compare.ftl 里。

# handshake、loss、fragments 步骤缺少所需条件时。
tcpudp-ladder-needs-capture = （梯形图需要抓包；这一课的其余部分不需要）
tcpudp-loss-needs-lab = （丢包的测量需要实验网络；用 sudo 运行这一课才能看到）
tcpudp-no-lab = （没有实验网络：见上一步）

# limits 步骤。
tcpudp-udp-fits = UDP sendto() { $bytes } 字节：发出了，{ $received } 字节完整地一次到达
tcpudp-udp-too-large = UDP sendto() { $bytes } 字节：{ $result }
tcpudp-sent-unexpected = 发出了 { $bytes }（出乎意料！）
tcpudp-refused = 被内核拒绝：{ $error }
tcpudp-tcp-write = TCP write() { $bytes } 字节：内核一次接受了 { $accepted } 字节，这 { $received } 字节分 { $reads } 次 read() 才读完

# boundaries 步骤。
tcpudp-sent-label = 发送：
tcpudp-sent = { $sizes } 字节，分三次调用 write()/sendto()
tcpudp-tcp-read = read() 返回 { $sizes } 字节——{ $pieces }
tcpudp-udp-recv = recv() 返回 { $sizes } 字节——三个数据报，三块
tcpudp-again = 再来一次，三次 TCP 写入之间各停 { $pause }：
tcpudp-one-piece = 一整块，边界没有了
tcpudp-three-pieces = 三块：每次写入都在下一次到来之前被读走了
tcpudp-pieces = { $n } 块

# speed 步骤的第一行。
tcpudp-round-trip-64 = 往返，64 B
tcpudp-round-trip-shows = 一个小请求和它的回答：UDP 每条消息省下一点时间

# http 步骤。
tcpudp-server-got = 服务器从 { $from } 收到 { $line }
tcpudp-kept-open =
    { $requests } 个请求，只接受了 { $connections } 条 TCP 连接：HTTP/1.1
    在两个请求之间让连接保持打开

# acks 步骤（src/show/app_acks.rs）。
acks-col-without = 不用流管理
acks-col-with = 使用流管理
acks-alice-sent = alice 发出
acks-messages = { $count } 条消息
acks-swallowed = 中继吞掉了
acks-swallowed-bytes = { $bytes } 字节（第 2、3 条消息）
acks-send-queue = alice 的内核：发送队列
acks-delivered = 0 字节：TCP 说已经送达
acks-bytes = { $bytes } 字节
acks-no-queue = 在 /proc/net/tcp 中没有找到
acks-count = 切断之前 alice 的计数
acks-counted = 发出 { $sent } 条，已确认 { $acknowledged } 条，等待 { $waiting } 条
acks-no-count = 没有：什么也不计数
acks-after-cut = 切断之后
acks-resumed = 恢复了会话；重发 { $resent } 条
acks-new-session = 一个新的会话
acks-bob-received = bob 收到
acks-of = { $sent } 条中的 { $received } 条
acks-lost = 丢失了，却没有人知道
acks-sm-on = 打开流管理时，alice 的流管理元素：

# analogies 步骤（src/show/analogies.rs）。
an-tcp = TCP ≈ 打电话
an-udp = UDP ≈ 发短信（SMS）
an-holds = 相符：
an-breaks = 不符：
an-dial =
    先拨号，再说话：connect() 的用时中位数是 { $connect }（SYN、SYN-ACK、ACK
    这一个往返），之后第一个字节才能发出；UDP 套接字的第一次 sendto() 用时
    { $sendto }，不需要先接通。
an-whole =
    说的话完整、按顺序到达：每个方向丢包 { $percent }% 的情况下，{ $sent }
    字节中到达了 { $received } 字节{ $order }。
an-in-place = ，每个字节都在自己的位置上
an-not-in-order = ，但没有全部按顺序
an-circuit =
    打电话要占用一条电路，也就是通话期间每段链路上固定的一份容量；TCP 在
    路径上什么也不占用。它的报文段和别人的一起排队，网络丢掉它们时，发送方
    的内核把 { $retransmitted } 个报文段又发送了一次。
an-circuit-no-lab =
    打电话要占用整条路径上的一条电路；TCP 什么也不占用，靠重新发送来弥补
    丢失。（loss 步骤测量这一点；它需要 root：sudo netlab lesson 9。）
an-pauses =
    说话保留停顿；TCP 不保留：{ $writes } 次写入（{ $sizes }）读出来是
    { $reads } 次读取（{ $readsizes }）。话都到了，句子之间的边界却没有到。
an-one-piece =
    每条消息要么完整到达，要么根本不到：{ $datagrams } 个数据报，{ $recvs }
    次 recv() 调用（{ $sizes }）。
an-no-call = 不需要先接通：一发就走（见上面的第一次 sendto()）。
an-store =
    短信是存储转发的：运营商的短信中心把消息保存起来，直到手机能够联系上，
    并且会再试（第 1 课）。UDP 什么也不保存：在会丢包的链路上，{ $sent } 个
    数据报中有 { $lost } 个（{ $share }%）消失了，也没有谁再试一次。
an-report =
    短信可以发回送达报告；UDP 什么也不告诉发送方：全部 { $sent } 次
    sendto() 调用都成功了，丢失的数据报也一样{ $reordered }。
an-reordered = ，而且有 { $count } 个没有按顺序到达
an-store-no-lab =
    短信会被保存、重试，还有送达报告；UDP 既不保存也不报告。（loss 步骤统计
    丢失的数据报；它需要 root。）

# `netlab lab up` 和 `netlab lab status`（src/show/lab.rs）：loss 步骤
# 搭建的实验网络。
lab-is-up = 实验网络已经建好：
lab-host = 主机 { $name }  { $addr }（{ $namespace }，{ $iface }）
lab-link = 链路    MTU { $mtu }，每个方向丢包 { $loss }%
