# 第 5 课的现场输出（src/course/lesson05.rs）：alice 和 bob 分属两个服务器
# a.example 和 b.example，画成一张时序图；以及图上服务器自己的记录
# （src/show/server_notes.rs）。
#
# 元素名（<auth>、db:verify）、属性（from=、type=）、SCRAM 的字段（n=、r=、
# s=、i=、p=、v=）和 RFC 5802 的消息名（client-first 等）都保持线路上的样子。

## connect

lesson05-listens = { $server } 监听：
lesson05-listens-on = 客户端端口 { $c2s }，服务器端口 { $s2s }
lesson05-given-address =
    alice 的客户端得到的是 a.example 的地址 { $addr }。在 a.example 的
    accept() 返回之前，内核就已经建立了这条 TCP 连接（三次握手，第 9 课）；
    /proc/net/tcp 列出了它的两端：
lesson05-pair = 本地 { $local } 远程 { $remote } { $state }
lesson05-bob-too = bob 也同样连上了 b.example，他那一端是 { $addr }。

## authenticate

lesson05-certificate = a.example 的证书：
lesson05-subject = 主体 CN={ $subject }，SHA-256 指纹：
lesson05-no-subject = （无）
lesson05-pinned =
    alice 的客户端固定的正是这个证书，而且 TLS 握手成功了：服务器持有它的
    私钥。这向 alice 认证了服务器，但关于 alice 本人什么也没有说明。认证
    alice 的，是 TLS 内部的 SASL：
lesson05-password =
    alice 和 bob 登录期间，四方共记录了 { $lines } 行内容（base64 已解码），
    密码（{ $password }）{ $leaked ->
        [0] 一行也没有出现。
       *[other] 出现在其中 { $leaked } 行。
    }
# 解码后的 SASL 载荷，以及其中各字段的含义（RFC 5802 § 5.1）。
lesson05-sasl-decoded = = { $text }（{ $what }）
lesson05-sasl-auth =
    client-first：n,, = 不使用通道绑定；n= 用户名；r= alice 的随机 nonce
lesson05-sasl-challenge =
    server-first：r= 她的 nonce 加上服务器的 nonce；s= 随她的账户保存的盐；
    i= PBKDF2 迭代次数
lesson05-sasl-response =
    client-final：p= 证明，由密码算出，但不是密码本身
lesson05-sasl-success =
    server-final：v= 服务器的签名：证明它知道为她保存的密钥

## wire

lesson05-relay-login =
    alice 又登录了一次，这次经过 { $relay } 上的一个中继，它把每个字节都
    转发给 a.example，并留一份副本（第 6 课）：中继看到的，就是抓包会看到
    的。她的 <auth>，即 a.example 解密后解析出的内容，共 { $bytes } 字节：
lesson05-one-record =
    同样这些字节在中继上的样子，是一个 { $bytes } 字节的 TLS 记录：
lesson05-record-read =
    17 = 应用数据，03 03 = “TLS 1.2”（TLS 1.3 故意这样写），然后是长度；
    其余都是密文。这个记录比 XML 长 { $extra } 字节{ $why }alice 在 TLS
    之后发出的 { $pieces } 段 XML 中，有 { $matched } 段在线路上都正好长
    { $extra } 字节。
lesson05-record-tls13 =
    ：5 字节首部，1 字节真正的内容类型，16 字节认证标签（TLS 1.3，
    RFC 8446 § 5.2）。
lesson05-record-other = 。

## presence

lesson05-step4-here =
    a.example 还没有通往 b.example 的流：第 4 步就发生在这里（{ $pieces }
    段 XML，{ $ms } 毫秒；见下一步）
lesson05-servers-did-it =
    一切都是服务器做的：alice 只写出了 bob@b.example；a.example 盖上
    from=，把请求送到 b.example，把 bob 的回答记进 alice 的名册（名册推送），
    而 b.example 发出 bob 的出席信息，是因为 bob 允许了。

## s2s

lesson05-links =
    a→b 表示 a.example 向 b.example 打开的那条 TCP 连接，b→a 表示 b.example
    反过来打开的那条。每个服务器都在自己的连接上证明自己的名字：接收方去问
    对方所声称的那个域本身（db:verify，走它自己通往那里的连接，带着流 id
    { $ids }），这个密钥是不是它生成的。两条连接，每个方向一条：这就是原文
    所说的“相互”。
lesson05-and = {" 和 "}

## kernel

lesson05-for-clients = { $server }（客户端）
lesson05-for-servers = { $server }（服务器）
lesson05-kernel-lists =
    本课所有处于 ESTABLISHED 状态的 TCP 连接，按内核在 /proc/net/tcp 中列出
    的样子（每条只列一次，从发起连接的一方看）：
lesson05-kernel-verdict =
    共 { $connections } 条连接，每一条都终止于某个服务器的监听套接字。alice
    和 bob 之间的连接：{ $direct }。两个服务器之间：{ $between } 条，每个方向
    一条。这不是对等网络，而是客户端–服务器，再加上服务器之间的联邦。
lesson05-direct-yes = 有
lesson05-direct-none = 没有

## exchange

lesson05-hop =
    from={ $from } to={ $to }，{ $ms } 毫秒后到达
lesson05-from-none = （无：由服务器盖上）
lesson05-hops-took = { $hops } 跳，{ $ms } 毫秒
lesson05-times =
    时间取自各方自己的记录：发送方写出字节的时刻，接收方解析完它们的时刻。
    在环回接口上，一跳只要零点几毫秒；在互联网上，每一次服务器到服务器的
    跳都要再加上两个服务器之间的距离。

## down

lesson05-stopped =
    b.example 已被停掉：它的监听套接字（{ $c2s } 和 { $s2s }）都已关闭。
    alice 再给 bob 写一次：
lesson05-no-error = （没有错误）
lesson05-bounced =
    alice 的客户端收回了她的消息，带着 type={ $type } 和条件
    <{ $condition }/>：a.example 联系不上 b.example，就明确说出来，没有
    悄无声息地丢掉任何东西。

## 服务器自己的记录（src/show/server_notes.rs），英文原文见
## src/xmpp/server/c2s.rs、s2s_in.rs、s2s_out.rs。

note-connected-from = 接受了来自 { $addr } 的连接
note-server-connection-from = 接受了来自 { $addr } 的服务器连接
note-tls-restarts = TLS 已建立；流重新开始
note-tls-unverified = TLS 已建立（未验证证书：由服务器回拨来决定）
note-authenticated-as = 已认证为 { $user }
note-bound = 已绑定 { $jid }
note-failed-connecting = 失败：连接 { $addr } 时出错：{ $error }
note-may-send-to-us = 已认证：{ $domain } 可以在这个流上向我们发送
note-may-now-send = 已认证：{ $ours } 现在可以在这个流上向 { $theirs } 发送
note-claims-name =
    { $from } 声称了自己的名字：去问 { $from } 本身（db:verify，id { $id }）
note-is-at = { $domain } 在 { $addr }（{ $how }）
note-how-pinned = 固定路由
note-how-fallback = 没有 SRV 记录：A/AAAA，5269 端口
