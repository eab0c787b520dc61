# 第 7 课的现场输出（src/course/lesson07.rs、src/show/osi_live.rs）：
# 抓到的帧、OSI 各层与 TCP/IP 对照、环回接口、穿过路由器的数据报、
# 交换机学习地址。

# capture 步骤。
osi-captured = 客户端 { $client } → 服务器 { $server }：在 lo 上抓到 { $frames } 个帧
osi-this-one = ◀ 就是这一帧
osi-built-instead =
    没有这项能力，这一课就改用 netlab 自己的编码器构造出的同一个帧继续讲下去
    （首部与内核写出的一样），而不是抓到的帧。
osi-syn-options =
    第 { $number } 帧是客户端的 SYN。它的 TCP 选项：{ $options }。MSS 和 WS
    只在 SYN 中通告一次；后面的报文段只带时间戳（TS）。
osi-win-units =
    两个 SYN 之后，win 以 2^{ $shift } = { $unit } 字节为单位计数（WS
    { $shift }）：win={ $window } 表示 { $window } × { $unit } = { $bytes }
    字节。

# 各层在 OSI 和 TCP/IP 中的名称（$n 是 OSI 层号）。
osi-layer =
    { $n ->
        [1] 物理层
        [2] 数据链路层
        [3] 网络层
        [4] 运输层
        [5] 会话层
        [6] 表示层
       *[7] 应用层
    }
osi-tcpip =
    { $n ->
        [1] 链路层
        [2] 链路层
        [3] 网际层
        [4] 运输层
       *[other] 应用层
    }

# pdus 步骤：每个数据单元旁边写着它在另一种语言里的名称。
osi-pdu-col-layer = OSI 层
osi-pdu-col-here = 这个帧里
osi-pdu-col-unit = 数据单元（PDU）
osi-pdu-col-other = 英文
osi-no-header = （没有首部）
osi-unit-bits = 比特
osi-unit-frame = 帧
osi-unit-packet = 分组 / IP 数据报
osi-unit-segment = 报文段
osi-unit-datagram = 数据报
osi-unit-stanza = 消息 / 节
osi-unit-message = 消息

# loopback 步骤。
osi-lo-interface = 接口 { $name }：MAC { $mac }，MTU { $mtu } 字节，背后没有网卡
osi-none = 无
osi-lo-captured = 抓到的帧的以太网首部：目的地址 { $dst }，源地址 { $src }，类型 { $kind }
osi-lo-built = 构造出的帧的以太网首部：目的地址 { $dst }，源地址 { $src }，类型 { $kind }
osi-lo-physical = 物理层：没有——没有线缆，没有电压；内核在内存里复制这个帧

# models 步骤。
osi-col-osi = OSI
osi-col-name = 名称
osi-col-tcpip = TCP/IP 体系结构
osi-col-here = 这个帧里有什么
osi-bytes-of = { $title }（{ $bytes } 字节）
osi-no-presentation = 没有首部：XML 就是数据的表示方式（STARTTLS 之后还有 TLS）
osi-no-session = 没有首部：XMPP 流就是会话
osi-no-wire = 什么也没有：环回接口上没有线路

# 没有 root 时的 router 和 switch 步骤。
osi-lab-needs-root = 这一步要建立网络命名空间，这需要 root
osi-lab-failed = 这一步无法在这里运行
osi-recorded-below =
    { $why }。下面是同一步骤在另一台机器上录下的输出（RECORDED），保持
    英文原样；其中的地址和数字不是你的机器上的：
osi-recorded-run = 录下的运行结果
osi-recorded-end = 录下的运行结果到此为止

# router 步骤。
osi-not-udp = （有一个抓到的帧不是以太网/IPv4/UDP）
osi-sent-across = 主机 a 向 { $dst } 发送了 { $bytes } 字节的 UDP 数据；抓到了两次：
osi-col-field = 字段
osi-col-before = 离开 a 时（之前）
osi-col-after = 到达 b 时（之后）
osi-col-router = 路由器做了什么
osi-field-eth-src = 以太网源地址
osi-field-eth-dst = 以太网目的地址
osi-field-checksum = IPv4 检验和
osi-field-ip-src = IPv4 源地址
osi-field-ip-dst = IPv4 目的地址
osi-field-ports = UDP 端口
osi-field-payload = 数据部分字节数
osi-new = 换成 { $iface }
osi-less = 减少了 { $n }
osi-unchanged = 不变
osi-changed = 变了！
osi-recomputed = 重新计算
osi-one-link = 一条链路：
osi-no-route = （没有找到路由）
osi-router-did =
    路由器做了什么：一个帧到达 r-eth0，目的地址是 r-eth0 的 MAC 地址。路由器在
    自己的路由表里查找目的地址 { $dst }，找到了 `{ $route }`；它把 TTL 减一
    （{ $before } → { $after }），重新计算首部检验和，然后把同一个数据报放进
    一个新的帧里发出去，这个帧从 r-eth1 的 MAC 地址发往 b 的 eth0。IP 地址说明
    端到端是谁在和谁通信；MAC 地址只说明在这一条链路上下一个是谁。

# switch 步骤。
osi-fdb-empty = （空的：交换机还没有学到任何地址）
osi-fdb-entry = { $mac }  端口 { $port }   （主机 { $host }，学到的）
osi-switch-sent = 主机 a（{ $mac }）向
osi-switch-answered = 主机 b（{ $mac }）发送了一个数据报，b 作了回答。
osi-cable-carried = 主机 { $host } 的线缆上传送了 { $frames } 个帧：
osi-broadcast = [广播]
osi-switch-learned =
    交换机从每个帧的源地址学习地址：a 的地址来自 a 的 ARP 广播，b 的地址来自
    b 的回答。主机 c 什么也没有发送，所以表里还没有它的条目。主机 c 的线缆上
    传送了 { $atc } 个帧，其中 { $broadcast } 个是广播（发往
    ff:ff:ff:ff:ff:ff，从每个端口都发出去），{ $cunicast } 个发给单个 MAC 地址；
    a 和 b 之间的 { $unicast } 个单播帧只去了表里指明的地方。集线器没有这张表：
    它会把全部 { $atb } 个帧也重复发给 c。
