# 第 6 课的现场输出（src/show/costs.rs）：XMPP 的代价，由途中的中继计数：
# 登录、一条消息的开销、TLS、base64、一个扩展载荷、一个未知请求。

costs-login = Alice 登录，由她的中继计数，从 connect() 到绑定好资源：
costs-plaintext = 明文
costs-login-counts = 上行 { $up } 字节，下行 { $down } 字节，{ $segments } 个带数据的报文段
costs-tls-added =
    TLS 多用了 { $bytes } 字节：TLS 握手（密钥交换、服务器的证书），以及在
    TLS 里面再一次重新开始流。这些都是每条连接只付一次，而一条 XMPP 连接
    会一直开着好几个小时。
costs-columns =
    XML sent：Alice 的客户端写出的内容，在她的链路上计数；其中
    { $envelope } 字节是包在正文外面的信封。To Bob：同一个节在 Bob 的链路
    上，多了 { $stamp } 字节，因为服务器加上了 from=。In TLS：在 TLS 连接
    上的同一内容。On the wire：再加上每个报文段 { $headers } 字节的 TCP/IP
    首部（第 7 课），即 Bob 的网络实际传送的量。
costs-first-bytes = 那条 { $body } 字节的消息，在 Bob 的链路上的前几个字节：
costs-encrypted = （看不到文字：已加密）
costs-no-record = （这些字节不是以 TLS 记录首部开头的）
costs-one-record = 中继计了 { $bytes } 字节：5 + { $length }，一个记录。
costs-more-records = 中继计了 { $bytes } 字节：不止一个记录。
costs-record-header =
    TLS 记录首部，5 字节（RFC 8446 § 5.1）：类型 { $kind } = 应用数据；版本
    { $version }，TLS 1.3 故意写成“1.2”，好让旧的中间设备放行；长度
    { $length } = { $xml } 字节的 XML + { $inner }（1 字节真正的内容类型，
    16 字节认证标签，RFC 8446 § 5.2）。{ $counted }
costs-file =
    一个 { $bytes } 字节的随机字节文件（就像一张照片或一个 zip），以
    XEP-0231 Bits of Binary 的方式在带内发送：
costs-base64-text = base64 文本
costs-alice-sent = Alice 发出的节
costs-bob-got = Bob 收到的节
costs-bytes = { $bytes } 字节
costs-decoded-same = Bob 解码后：字节完全相同
costs-decoded-different = Bob 解码后：字节不同！
costs-content-id = 内容标识：{ $cid }
costs-largest =
    这个服务器拒绝任何超过 { $limit } KiB 的节（src/xmpp/framing/mod.rs 中的
    Limits；RFC 6120 § 13.12 要求服务器设这样的上限），所以一条消息能装下的
    最大文件是 { $largest } KiB。
costs-payload-written = Alice 的客户端写出了这个载荷：
costs-payload-carried = Bob 的链路传送的内容里正好有这 { $bytes } 个字节：{ $answer }
costs-yes = 是
costs-no = 否
costs-payload-kept = Bob 的节处理层原样保存了它，没有解释，放在 Message.payloads 里：
costs-by-hand = 同样的载荷，手工输入，用单引号：
costs-reached-bob = 到达 Bob 时变成：
costs-changed-nothing = 变化：没有，逐字节相同。
costs-became = { $was } 变成了 { $now }（{ $times } 次）
costs-list-separator = 、
costs-changed = 变化：{ $each }；其余每个字符都相同。
costs-changed-length = 变化：不只是单个字符（长度不同）。
costs-alice-asks = alice 问服务器：
costs-server-answers = 服务器回答：
