# `netlab lesson N --answers` 在一课之后打印的参考答案：根据学生自己这次运行
# 的结果组成（src/course/lessonNN.rs 里每一课的 `answers()`），以及它们共用
# 的字（src/course/worked.rs）。每条消息是一段 Markdown。
#
# 协议记号（SYN、FIN、TIME_WAIT）、反引号里的命令和 XML、数字都保持原样。

## 每一课共用。

answer-not-run = 这道题用到的那一步没有运行。
# 列举：“a、b 和 c”。代码先用 answer-list-comma 连起最后一项之前的各项。
# 分三行写，“和”两边的空格就按混排的规矩来：挨着拉丁字母有空格，挨着汉字
# 或全角标点（“SCRAM-SHA-1（迭代 4096 次）和 …”）没有。
answer-list-and =
    { $first }
    和
    { $last }
answer-list-comma = { $first }、{ $next }

## 第 10 课：套接字。

answer-10-port = 你的监听套接字拿到了端口 { $port }。
answer-10-port-inside =
    你的监听套接字拿到了端口 { $port }。这台机器的短暂端口范围
    （`/proc/sys/net/ipv4/ip_local_port_range`）是 { $start }–{ $end }，
    所以 { $port } 在这个范围之内：绑定端口 0 时，内核从它给客户端
    挑端口的同一个范围里挑选。
answer-10-port-outside =
    你的监听套接字拿到了端口 { $port }。这台机器的短暂端口范围
    （`/proc/sys/net/ipv4/ip_local_port_range`）是 { $start }–{ $end }，
    所以 { $port } 在这个范围之外：这个内核给绑定端口 0 的套接字
    从别处挑选端口。
answer-10-table = `connect` 之后，表里显示了 { $sockets } 个套接字。
answer-10-table-unowned =
    `connect` 之后，表里显示了 { $sockets } 个套接字；没有所属程序的那个
    （inode 0）是 { $local } → { $remote }：这是服务器一端的套接字，
    内核已经替它完成了连接，但还没有程序 `accept()` 它。
answer-10-backlog =
    `backlog` 这一步回答了第二个问题：backlog 为 { $backlog } 时，
    队列里放了 { $held } 个已经建立好的连接（Recv-Q 为 { $queued }），
    下一个客户端 { $left } 停在 SYN_SENT 状态：服务器的内核一声不响地
    丢弃了它的 SYN。
# 没有客户端被挡在外面时（answer-10-backlog 里的 `left`）。
answer-10-backlog-none = 没有
answer-10-got-in =
    一次 `accept()` 腾出位置之后，它的 TCP 重新发送了 SYN，
    { $after } 之后连了进来；程序只会看到 `connect()` 花的时间长了一些。
answer-10-not-in =
    `accept()` 腾出位置几秒之后，它仍然没有连进来：它的重试间隔
    越来越长（1 s、2 s、4 s……）。
answer-10-time-wait =
    两者都在运行时，`ss -tn 'sport = :7000'` 显示一行：服务器接受的那个
    套接字，状态 ESTAB，本地端口 7000，对端是 nc 的短暂端口。（监听套接字
    处于 LISTEN 状态，`ss` 只有加上 `-l` 才列出它；nc 自己的套接字以
    短暂端口为源端口，所以用 `'dport = :7000'` 才能看到它。）按 Ctrl-C
    让 nc 先关闭：nc 的套接字发出第一个 FIN，然后在 TIME_WAIT 状态停留
    60 秒，用 `ss -tn 'dport = :7000'` 可以看到；服务器的套接字回答了
    这个 FIN，已经不在了。先关闭的一方要等待，这样这条连接迟到的报文段
    就不会落进同样两个端口之间的新连接里。
answer-10-time-wait-ours =
    本课的 `close` 这一步也显示了同一条规则：它的客户端先关闭，处于
    TIME_WAIT 状态的是 { $addr } 这个套接字，属于 `{ $owner }`。
answer-10-udp =
    UDP 没有连接，所以没有什么可以 accept：监听程序唯一的套接字用
    `recvfrom()` 接收每一个数据报，每个数据报都带着发送方的地址。
answer-10-udp-refused = 在 `udp` 这一步，`{ $call }` 返回了 { $returned }。

## 第 1 课：即时通讯。

answer-01-rows =
    你的表里有 { $rows } 行带有端口 { $port }：一个监听套接字，加上
    { $established } 个处于 ESTABLISHED 状态的端点。一条连接有两端，
    而这里两端都是这同一个进程里的套接字，所以内核把每条连接列出两次：
    一次从客户端一方（{ $clients }），一次从服务器一方。每一行里都有的
    数字是 { $port }，也就是服务器的端口：在监听套接字和服务器一端的行里
    它是本地端口，在客户端的行里它是远端端口。
# answer-01-rows 里客户端的一端：“alice's client（127.0.0.1:5000）”。
answer-01-client-at = { $owner }（{ $addr }）
answer-01-push =
    bob 的客户端发送了 { $sent } 个节：消息是顺着他登录时打开的那条连接
    下来的。服务器加上了 { $added }。alice 的客户端可以在那里写上任何名字；
    服务器知道这个节是从哪条连接进来的、谁在这条连接上登录，所以 `from`
    由它自己来写（客户端写了的，它会覆盖掉）：谁也不能冒用别人的名义
    发消息。
answer-01-presence =
    登录时，服务器把 bob 的 `<presence/>` 发给了 { $first }：那时还没有人
    订阅 bob 的出席信息，而出席信息只发给用户允许的人。在 `presence` 这一步，
    alice 提出请求（`subscribe`），bob 表示同意（`subscribed`）；此后 bob 的
    “离开”（away）发给了 { $away }，在他写下之后 { $took } 就到了。
# 谁也没有收到出席信息时的说法。
answer-01-nobody = 没有人
answer-01-delay =
    bob 在 alice 发出消息 { $total } ms 之后收到了它。本课故意让 bob 离线
    { $away } ms，他重新登录（一条新的 TCP 连接、SASL、资源绑定）花了
    { $relogin } ms；其余的 { $rest } ms 花在他的出席信息和消息的交付上。
    时间戳 { $stamp } 是服务器收到这条消息的时间，也就是 alice 写下它的时间。
    一个星期之后，他的客户端应该显示这个时间戳：他收到消息的时间只说明他
    碰巧什么时候登录。
answer-01-no-stamp = （无）

## 第 8、9 课说出没有运行的是哪一步。

answer-step-not-run = `{ $step }` 这一步没有运行。

## 第 8 课：地址与端口。

answer-08-route-gateway =
    在这台机器上，它会从 **{ $interface }** 出去：包含这个地址的最具体的
    路由是经由 { $gateway } 的 `{ $route }`：没有哪个接口的地址在
    192.0.2.10 所在的网络上，所以分组经由 { $interface } 发给
    那个*网关*（下一个路由器）。在网络部分包含这个地址的所有路由中，内核挑选
    前缀最长的那一条。
answer-08-route-direct =
    在这台机器上，它会从 **{ $interface }** 出去：它在 { $network } 之内，
    这是 `interfaces` 表里 { $interface } 自己的地址所在的网络，所以分组
    直接从 { $interface } 发给 192.0.2.10 本身，中间没有路由器。在网络部分
    包含这个地址的所有路由中，内核挑选前缀最长的那一条。
answer-08-no-route =
    这台机器上没有包含 192.0.2.10 的路由（也没有默认路由）：发送会以
    ENETUNREACH 失败。
answer-08-route-unreadable = 读不到路由表（{ $error }）。
answer-08-route-check = `ip route get 192.0.2.10` 打印的是同样的选择。
answer-08-localhost-yes =
    包括：`getaddrinfo("localhost")` 返回了 { $addresses }，所以其中有
    `::1`；客户端按这个顺序逐个尝试这些地址。
answer-08-localhost-no =
    不包括：`getaddrinfo("localhost")` 只返回了 { $addresses }，因为
    `/etc/hosts` 里提到 localhost 的行都只有 IPv4。加上 `::1 localhost`
    这一行（Debian 写的是 `::1 localhost ip6-localhost ip6-loopback`）
    就会有它。不管有没有这一行，`::1` 本身都能用：`families` 这一步
    就是通过它连接的。
answer-08-ephemeral =
    你的范围是 { $start }–{ $end }：{ $end } − { $start } + 1 = { $size }
    个端口。一条 TCP 连接由四个数来区分：源地址、源端口、目的地址、
    目的端口。从一个客户端地址到同一个服务器地址和端口，能变的只有源端口，
    所以同时最多只能有 { $size } 个连接（已关闭的连接还在 TIME_WAIT 中
    等待时更少）。到另一个服务器端口或地址，同样的源端口可以再用一次，
    因为四个数不同了：这个限制是按目的地计算的，而不是全局的。你的 5 个
    连接拿到了 { $ports }，都连向同一个服务器，每个连接的源端口都不同。
answer-08-privileged-root =
    你是带着 CAP_NET_BIND_SERVICE 能力（以 root 身份）运行本课的：
    `errors` 这一步的 `bind(127.0.0.1:80)` 返回了 0，只有放弃了这个能力的
    那个线程得到了 { $error }。所以 `netlab socket listen 127.0.0.1:80`
    对你来说会开始监听；普通用户会得到 { $error } 和这行修复建议：{ $fix }。
answer-08-privileged-user =
    你是以普通用户身份运行本课的：`errors` 这一步的
    `bind(127.0.0.1:80)` 返回了 { $error }，`netlab socket listen
    127.0.0.1:80` 也会这样。它的修复建议和那一步的一样：{ $fix }。
    用 `sudo` 运行，同一条命令就会开始监听，因为 root 有这个能力。
answer-08-privileged-untried = `errors` 这一步没有尝试端口 80。
answer-08-unprivileged-start =
    端口 8080 谁都可以用：这个内核允许没有特权的程序绑定 { $start }
    及以上的端口（`ports` 这一步从
    `/proc/sys/net/ipv4/ip_unprivileged_port_start` 读到了这个数）。

## 第 2 课：为什么是 XMPP。

answer-02-plain =
    `{ $initial }` 解码后是 { $bytes } 个字节：`{ $od }`。NUL 字节（`\0`）
    把它分成三个字段：授权身份（空的，意思是“和用户名相同”）、用户名
    `{ $user }` 和密码 `{ $password }`。谁对这条连接抓包，谁就能知道这两样，
    从此就能以 { $user } 的身份登录；Base64 编码只是让字节变得可以打印，
    什么也没有隐藏。
answer-02-rewritten =
    bob 输入了 { $typed } 个字节，其中有 { $typed_single } 个单引号；alice 的
    客户端收到了 { $got } 个字节，其中有 { $got_single } 个单引号和
    { $got_double } 个双引号。服务器加上了 { $added }，并且把每个属性都写成
    双引号：它把 bob 的 XML 解析成一棵树，再把这棵树重新写出来。对 XML 来说
    两种引号的意思相同，而 alice 的客户端读的是这棵树（元素、属性、文本），
    不是字节：重要的是含义。
answer-02-mechanisms =
    服务器提供了 { $offered }。alice 的客户端选了 { $picked }，这是按它的
    偏好顺序它认识的第一种；bob 输入的是 PLAIN。在没有 TLS 的连接上，
    永远不应该提供 PLAIN：它发送的就是密码本身（练习 1），路径上的任何人
    都能读到。SCRAM 机制只发送一个由密码和一个新的随机数（nonce）算出的
    证明，拿去重放也没有用。
answer-02-early =
    服务器用一个流错误 `<{ $condition }/>` 回答了 carol 的 `<message>`，
    关闭了它的流（`</stream:stream>`），又关闭了 TCP 连接：carol 接下来的
    `read()` 返回了 { $read }。这条消息哪里也没有去。在 SASL 之前，这条连接
    不属于任何人，所以服务器没有可以盖上的 `from`；如果服务器投递了它，
    任何人都可以匿名写消息了。
# 流错误带有 <text/> 时的说法。
answer-02-early-text =
    服务器用一个流错误 `<{ $condition }/>` 回答了 carol 的 `<message>`，
    附带的文本是“{ $text }”，关闭了它的流（`</stream:stream>`），又关闭了
    TCP 连接：carol 接下来的 `read()` 返回了 { $read }。这条消息哪里也没有
    去。在 SASL 之前，这条连接不属于任何人，所以服务器没有可以盖上的
    `from`；如果服务器投递了它，任何人都可以匿名写消息了。

## 第 3 课：XMPP 的特点。

answer-03-from =
    Alice 的客户端发送了 { $sent } 个字节，Bob 收到了 { $got } 个：多了
    { $more } 个。多出来的是 ` { $added }`，一个空格加上这个属性（共
    { $length } 个字节），是服务器加上的。Alice 的客户端自己写上
    `from="{ $forged }"` 时，Bob 收到的仍然是 `from="{ $stamped }"`：
    不管客户端在那里写了什么，服务器都用这个节进来的那条连接的地址
    把它覆盖掉，所以 Alice 不能冒充 Bob。
# answer-03-jids 里的结论和设备。
answer-03-one-account = 三个都是同一个账号
answer-03-not-one-account = 它们不都是同一个账号
# 纯 JID 都一样时；或者各不相同时，逐个列出。
answer-03-accounts-each = 都是 `{ $bare }`
answer-03-accounts-apart = 分别是 { $list }
answer-03-device-full = 那两个完整 JID
answer-03-device-none = 一个也没有
answer-03-jids =
    { $verdict }：本地部分和域会被转成小写，所以每一个的账号（纯 JID）
    { $accounts }。同一台设备：{ $device }。`Alice@LocalHost/Laptop` 是
    设备 `Laptop`，`alice@localhost/laptop` 是设备 `laptop`，资源部分
    保留大小写；`alice@localhost` 没有资源，所以它指的是账号，而不是
    一台设备。
# 同上，并引用 `jids` 这一步打印的比较。
answer-03-jids-rule =
    { $verdict }：本地部分和域会被转成小写，所以每一个的账号（纯 JID）
    { $accounts }。同一台设备：{ $device }。`Alice@LocalHost/Laptop` 是
    设备 `Laptop`，`alice@localhost/laptop` 是设备 `laptop`，资源部分
    保留大小写（你的 `jids` 这一步：`{ $left } != { $right }`）；
    `alice@localhost` 没有资源，所以它指的是账号，而不是一台设备。
answer-03-poll =
    你的每 100 ms 轮询一次的轮询者发送了 { $requests } 个请求，其中
    { $empty } 个空手而归：它问的时候并没有新东西。{ $users } 个空闲用户
    每 { $every } 轮询一次，每人每秒 { $each } 个请求，服务器每秒就要回答
    { $total } 个，回答的全都是没有新东西。推送一个也不需要：你的推送
    接收者发送了 { $push } 个请求，一个空闲用户只花服务器一条开着的连接。

## 第 6 课：XMPP 的优点和缺点。

answer-06-overhead =
    用 TLS 时，{ $body } 字节的消息在 Bob 的链路上占了 { $wire } 个字节
    （`on the wire` 那一列）：Bob 收到的 XML 有 { $xml } 个字节，外面的
    TLS 记录 { $tls } 个，TCP/IP 首部 { $headers } 个。消息体占
    { $share } %。除了消息体之外的 { $overhead } 个字节，不管消息体多长
    都差不多（信封不会随着文本变长），所以消息体大约和它一样长时，才占
    整条消息的一半：大约 { $overhead } 个字节。表里的数字也是这样：消息体
    在 64 字节时占 { $share64 } %，在 1024 字节时占 { $share1024 } %。
answer-06-base64 =
    Base64 编码每 3 个字节一组，写成 4 个字符；最后一组不满 3 个字节，
    也照样写 4 个字符（用 `=` 填充）。{ $raw } 个字节是 { $full } 个满组，
    还剩 { $left } 个字节，所以是 { $groups } 组 × 4 = { $encoded } 个字符，
    而不是按 4/3 算出的 { $naive } 个。一张 3 MB 的照片（{ $photo } 字节）
    会变成 { $photo64 } 个 Base64 字符，再加上你这次运行测得的外面
    { $envelope } 个字节的 XML：一个节里有 { $stanza } 个字节，约
    { $megabytes } MB。这台服务器拒绝任何超过 { $max } 字节
    （{ $maxkib } KiB）的节，所以不会接受它：能放得下的最大文件是
    { $largest } KiB。所以真实的客户端把文件放在流之外传送，用的是
    HTTP File Upload（HTTP 文件上传）。
answer-06-changed-nothing = 改变了什么：什么也没变，逐字节相同。
answer-06-changed = 改变了什么：{ $changes }；其他每个字符都一样。
# answer-06-changed 里的一处改变：“' 变成了 "（8 次）”。
answer-06-change = { $was } 变成了 { $now }（{ $times } 次）
answer-06-changed-length = 改变了什么：不只是单个字符（长度不同）。
answer-06-extension =
    服务器把每个节解析成元素和属性，再按自己的风格重新写出来；`'…'` 和
    `"…"` 是同一个属性值的两种写法，所以 XML 的意思完全相同，任何把扩展
    当作 XML 来读的软件得到的都是同一个元素。只有比较原始字节的代码才会
    出问题，所以 XMPP 扩展从来不这样做。为了避免发出对方无法回答的请求，
    客户端先询问对方支持哪些功能：服务发现（Service Discovery），
    XEP-0030。
answer-06-unknown =
    你的 `unknown-iq` 这一步显示了不先询问会怎样：服务器回答了
    <{ $condition }/>。

## 第 4 课：XMPP 的结构。

answer-04-sockets =
    内核列出了 { $rows } 行：{ $listening } 个监听套接字和 { $connected } 个
    已连接的套接字，也就是从两端各看一次的 { $connections } 条连接。每条连接
    出现两次，是因为一条 TCP 连接有两端，每一端都是一个单独的套接字，而这里
    两端都在这同一个进程里：一端是客户端的，端口由内核替它挑选；另一端是
    服务器的。
answer-04-sockets-example =
    例如 { $local } → { $remote } 是 { $owner }，而 { $remote } →
    { $local } 是同一条连接在服务器一端的套接字。
answer-04-sockets-listening =
    没有远端地址（0.0.0.0:0）的行，是处于 LISTEN 状态的那 { $listening } 个：
    { $names }。监听套接字不和任何人相连；它只是等待，它接受的每条连接
    都会得到一个自己的新套接字。
# answer-04-sockets-listening 里的一个监听套接字：
# “127.0.0.1:5222（服务器，客户端端口）”。
answer-04-listener = { $addr }（{ $owner }）
answer-04-no-handshake = `roles` 这一步没有显示握手。
answer-04-handshake-same = 相同的值
answer-04-handshake-different = 另一个值：服务器本会拒绝它
answer-04-handshake =
    它发送的是 `<handshake>{ $sent }</handshake>`：服务器刚给它的流 id
    （{ $id }）后面接上密钥之后的 SHA-1 散列，用十六进制表示。为这个解答
    重新计算一遍，SHA-1("{ $id }" + "{ $secret }") 得到的是{ $check }。
    密钥本身从未经过这条连接。录下来的内容之后没有用，因为每条连接的 id
    都是新的、随机的：{ $domain } 下次连接时，服务器期待的是另一个 id 的
    散列，而散列无法反推出生成它的密钥。
answer-04-stamped =
    服务器给 alice 的消息加上了 `from="{ $from }"`：她的客户端没有写，
    而对每个客户端，服务器都会写上节是谁发的。
answer-04-kept =
    网关的消息本来就带着 `from="{ $from }"`，是网关自己写的，它代表
    每一个 IRC 用户说话；服务器只检查了这个地址在网关的域 { $domain } 里，
    然后原样放行。
answer-04-by-domain =
    为了路由 `mallory@{ $domain }`，服务器只看了域 { $domain }：它属于一个
    组件，所以整条消息交给了网关；本地部分 `mallory` 是网关自己的事。
answer-04-bytes =
    同一句话从服务器到网关占了 { $xml } 个字节的 XML，从网关到 mallory
    占了 { $irc } 个字节的 IRC（包括 CR LF）：用 XML 多了 { $more } 个字节。
# answer-04-records 里保存的一份凭据：“SCRAM-SHA-1（迭代 4096 次）”。
answer-04-credential = { $mechanism }（迭代 { $iterations } 次）
answer-04-records =
    是 `credentials` 表：它为 alice 保存的 { $rows } 行，{ $mechanisms }，
    存的是盐、迭代次数、StoredKey 和 ServerKey，没有密码。光有它还不够
    登录：SCRAM 登录需要一个用 ClientKey 做出的证明，而表里只保存了它的
    散列（StoredKey），无法反推。小偷要得到密码就只能猜，而且每猜一次都要
    付出 PBKDF2 几千轮计算的代价。为 carol，`offline` 表里保存了
    { $waiting } 条消息，就是 alice 的 `<message>`，带着服务器盖上的
    `from`。carol 从未登录：服务器没有可以把它写进去的连接，所以把它存了
    起来，等她下次连接时再投递。
answer-04-copies =
    服务器把 bob 的消息发给 `alice@localhost` 共 { $copies } 份，她的每条
    在线连接各一份：{ $to }。纯 JID 指的是账号，所以一条聊天消息发给优先级
    最高的每一台设备。
answer-04-replaced =
    旧笔记本的会话被结束了：服务器给它写了一个流错误，关闭了流，它的
    客户端报告“{ $error }”。新连接要的是同一个资源 `laptop`；RFC 6120
    允许服务器要么拒绝新来的，要么结束旧的，这台服务器保留新的，因为
    那才是用户现在正在用的：旧的多半是一台忘在哪里没合上的笔记本。
answer-04-no-client-stream = `streams` 这一步没有显示客户端连接。
answer-04-streams =
    每条客户端连接携带了 { $headers } 个流首部：客户端的和服务器的，
    各两次。在连接 { $conn }（{ $jid }）上，服务器的 id 是 { $ids }。
    SASL 成功之后，客户端在同一条 TCP 连接上开始一个新的流，而新的流会
    从服务器得到一个新的随机 id：第二个流才是一直持续下去的那个。
# answer-04-streams 里的各个 id，一个接一个。
answer-04-then = { $first }，然后是 { $next }
answer-04-gateway-stream =
    网关的连接携带了 { $headers } 个：组件用 `<handshake>` 登录，不用
    SASL，所以它的流从不重新开始。

## 第 5 课：XMPP 是怎样工作的。

answer-05-connect =
    alice 的连接连起了 { $client }（她的客户端）和 { $server }（a.example
    给客户端用的端口）。她的客户端只得到了服务器的地址；她这一端
    { $client } 是连接时由内核挑选的：端口取自短暂端口的范围。a.example
    给她的第一个流分配的 id 是 { $first }。STARTTLS 之后流重新开始，
    a.example 给新的流分配了一个新的 id：{ $tls }；SASL 之后流又重新开始
    了一次，id 是 { $sasl }。每个新的流都得到一个新的 id，所以是的，
    id 变了。
answer-05-no-scram = `authenticate` 这一步没有显示 SCRAM 交换。
answer-05-scram =
    在 server-first 消息里，盐是 s={ $salt }，迭代次数是 i={ $iterations }。
    它的 nonce r= 开头是 alice 在她的 client-first 里给出的 nonce
    { $mine }，后面接着服务器的部分 { $theirs }，是为这次登录新生成的。
    alice 的证明 p= 是对整个交换计算的，包括双方的 nonce。所以录下来的
    `<response>` 毫无用处：下次登录时，服务器会挑一个新的 nonce，期待的是
    对它算出的证明，旧的证明对不上。（何况窃听者本来就只能看到 TLS
    记录，`wire` 这一步已经显示了这一点。）
answer-05-no-verify = `s2s` 这一步没有显示 db:verify。
answer-05-verify =
    { $sender } 发出了第一个 db:verify，时间是 { $at } ms，走的是 { $link }
    连接（{ $linkname }），携带的 id 是 { $id }。
answer-05-verify-given =
    这个 id 是 { $by } 在 { $at } ms 时分配的，写在它在 { $link } 连接
    （{ $linkname }）上的流首部里：另一个服务器正是在这个流上用 db:result
    出示了它的密钥。
answer-05-verify-why =
    收到密钥的一方，在自己通往对方所声称的那个域的连接上，向这个域询问
    这个密钥是不是为那个流生成的；id 把这个问题和一个流绑定在一起。
# 服务器之间的两条连接，用话说出来。
answer-05-link-a-b = a.example 打开到 b.example 的那条
answer-05-link-b-a = b.example 打开到 a.example 的那条
answer-05-kernel =
    内核列出了本课的 { $connections } 条连接，其中 { $listeners } 条的一端
    是服务器的收听端口：alice 和 bob 的连接分别连到各自服务器给客户端用的
    端口（{ $aport } 和 { $bport }），服务器之间的两条连接各自连到对方
    给服务器用的端口。要让 XMPP 成为对等网络，就必须有一行直接连接 alice
    的地址 { $alice } 和 bob 的地址 { $bob }；结果{ $direct }。
# answer-05-kernel 有没有找到这样的一行。
answer-05-direct-one = 有一行
answer-05-direct-none = 一行也没有
answer-05-no-hops = `exchange` 这一步没有记录到任何一跳。
# answer-05-exchange 里的一跳：“alice → a.example 0.52 ms”。
answer-05-hop = { $from } → { $to } { $ms } ms
answer-05-exchange =
    各跳所花的时间：{ $hops }。最慢的是 { $from } → { $to }，{ $ms } ms：
    在环回接口上每一跳都很短，差别来自当时哪个程序正忙（第一条消息还可能
    要等一个任务被唤醒），而不是来自距离。
answer-05-stamped =
    alice 的客户端没有写 from；第一个带着它的跳是从 { $left } 出发的，
    from={ $from }：是她的服务器 a.example 加上的，b.example 只是检查了它。
answer-05-down =
    a.example 尝试了 b.example 给服务器用的端口 { $port }，并记下：
    { $note }。它把 alice 的消息退回给她，带着 type="error" 和条件
    <{ $condition }/>：这是一个错误节，而不是一声不响。
answer-05-no-note = （没有记录）

## 第 7 课：OSI 模型。

answer-07-no-ipv4 = `layers` 这一步没有显示 IPv4 首部。
answer-07-no-tcp = `layers` 这一步没有显示 TCP 首部。
answer-07-fields =
    你的解码树在 IPv4 首部里显示了 `protocol: { $protocol }`：这个数告诉
    接收方的内核，把分组里装的内容交给 TCP（如果是 17，就表示 UDP）。TCP
    首部里的 `destination_port: { $dst }` 告诉 TCP 这些字节归哪个套接字：
    服务器的，也就是在端口 { $dst } 上监听的那个。（`source_port` { $src }
    是客户端的，回答要发到那里。）每个首部都指明下一个读者：以太网的
    `type` 指明 IPv4，IPv4 的 `protocol` 指明 TCP，TCP 的端口指明程序。
answer-07-no-frame = 没有可以测量的帧。
answer-07-header-share =
    `encapsulation` 这一步在一个 { $total } 字节的帧里数出了 { $headers } 个
    字节的首部：占 { $share }，而 XML 只有 { $data } 个字节。如果消息只有
    一个字符，同样的 { $headers } 个字节的首部只运载 1 个字节的数据：
    { $one } 个字节中有 { $headers } 个，首部占 { $oneshare }。所以一条聊天
    消息的开销大多是它的层层信封，第 6 课还要在这之上再算 XML 自己的开销。
answer-07-syn-why =
    MSS 和窗口扩大因子是整条连接的设置，每一方都必须在发送第一个数据字节
    之前知道对方的设置，所以它们只在 SYN 和 SYN-ACK 里传送一次，之后不允许
    再出现。时间戳不一样：它们用来测量往返时间，所以只要两个 SYN 都提供了
    时间戳，之后每个报文段都带着一对新的（解码树的 `options` 那一行显示了
    数据报文段上的时间戳）。
answer-07-no-syn =
    没有抓包，这次运行没有看到 SYN；`sudo netlab handshake` 能显示一个。
answer-07-syn =
    你的 SYN 是抓包中的第 { $number } 帧，它的选项是 { $options }。
answer-07-mss =
    MSS { $mss } 是这一方愿意接收的最大报文段：{ $mss } 加上 40 个字节的
    IPv4 和 TCP 首部 = { $packet }，{ $limit }。
# answer-07-mss 里的 { $limit }。
answer-07-mss-largest =
    这是最大的 IPv4 分组（`lo` 的 MTU 还要更大）
answer-07-mss-mtu = 这是链路的 MTU
answer-07-frames =
    本课自己的抓包列出了一条连接的 { $frames } 个帧：SYN、SYN-ACK、ACK，
    数据和对它的 ACK，然后是两个 FIN 和最后的 ACK。
answer-07-no-capture =
    这次运行无法抓包（没有 CAP_NET_RAW），所以没有可以比较的列表；
    用 `sudo` 来做这个练习。
answer-07-tshark =
    `netlab socket demo` 建立的连接形状相同，所以你的文件里应该是同样几种
    帧。两个工具对文件内容的看法一致：帧的数目相同，地址、端口、标志和
    长度也都相同。它们的差别在于打印的方式：tshark 从 0 开始数序号
    （`Seq=0`，相对序号），netlab 的摘要按线路上的原样打印；tshark 打印的
    窗口已经乘过扩大因子（`Win=65536`），netlab 打印的是首部里的原始字段
    （`win=64`）；扩大因子 tshark 打印成倍数（`WS=1024`），netlab 打印成
    移位数（`WS 10`，2^10 = 1024）。
answer-07-recorded =
    没有 root 权限，这次运行显示的是录制的结果，所以这些数字来自录制，
    而不是来自你的机器。
answer-07-no-ttl = 路由器那一步没有显示 TTL 那一行。
answer-07-ttl =
    数据报离开主机 a 时 TTL 是 { $before }，到达主机 b 时 TTL 是 { $after }：
    经过一台路由器，少了一。每台路由器都把 TTL 减一，并丢弃 TTL 减到 0 的
    分组，所以 64 的 TTL 到第 64 台路由器就没了；分组可以经过 63 台路由器
    而仍然被交付。（主机 a 的内核选的是 { $chosen }，这是 Linux 的默认值，
    见 `/proc/sys/net/ipv4/ip_default_ttl`。）
answer-07-no-links = 路由器那一步没有显示各条链路。
answer-07-next-hop =
    主机 a 把帧的目的地址填成了 { $dest }：“one link”那几行显示，这是路由器
    的 r-eth0，也就是 a 那根网线的另一端。主机 b 的 eth0 是 { $macb }，在
    另一条链路上，a 的帧永远到不了那里。MAC 地址只在一条链路上有意义，所以
    a 把帧发给它的路由指明的下一跳（`default via 198.18.1.1`），再由路由器
    为 b 的链路构造一个新的帧，源地址是路由器自己的 r-eth1。
answer-07-no-table = 交换机那一步没有显示之后的表。
# answer-07-learning 里学到的一个表项：“02:…，在端口 sw-a（主机 a）”。
answer-07-entry = { $mac }，在端口 { $port }（主机 { $host }）
answer-07-entry-next = { $first }；{ $next }
answer-07-learning =
    这张表原来是空的，多了 { $count } 个表项：{ $entries }。网桥从每个到达的
    帧的*源*地址学习：a 的地址学自 a 的 ARP 广播（“谁有 198.18.3.2？”），
    它从 sw-a 进来；b 的地址学自 b 的 ARP 应答，它从 sw-b 进来。主机 c 只
    收到了（那个广播），什么也没有发送，所以从来没有帧从 c 的端口进来，
    把 c 的地址教给网桥。

## 第 9 课：TCP 和 UDP。

# 读了几次：“1 次读取”“3 次读取”。
answer-09-reads = { $reads } 次读取
answer-09-no-lab =
    这次运行无法搭建实验网络（需要 root），所以没有测量丢包；运行
    `sudo netlab lesson 9 --answers`，就能用你自己的数字来回答。
answer-09-not-found = （没有找到）
# answer-09-acks 里的发送队列：“0 字节”。
answer-09-bytes = { $bytes } 字节
answer-09-acks =
    不用流管理时，中继吞掉了 { $without } 个字节，用流管理时吞掉了
    { $with } 个（第二遍还带着一个 `<r/>`），而 alice 的内核还要发送的
    分别是 { $queuewithout }和 { $queuewith }：TCP 的每个字节都得到了确认，
    确认它的是中继的内核，所以 TCP 看不出任何问题。只有流管理发现了：它的
    计数表明有 { $waiting } 条消息已经发出、服务器却还没有处理，服务器的
    `<resumed/>` 证实了这一点，于是 alice 把它们重新发送，bob 收到了
    { $sent } 条中的 { $got } 条，而不用流管理时只收到 { $sentwithout } 条
    中的 { $gotwithout } 条。TCP 的确认只覆盖两个内核之间的一跳；应用的
    确认覆盖的是应用已经处理了的内容。
answer-09-loss =
    每个方向丢弃 { $percent }% 时，TCP 交付了 { $bytes } 个字节中的
    { $received } 个，为此它的内核重传了 { $retransmitted } 个报文段，
    用了 { $took }；UDP 丢了 { $datagrams } 个数据报中的 { $lost } 个
    （{ $share }%），接近规则丢弃的 { $percent }%，因为数据报只走一遍，
    没有任何东西重发它们。这两个数字测量的是不同的东西：UDP 的丢包是应用
    看到的，TCP 的重传是它的内核为了让应用什么也看不到而做的。用
    `netlab compare --loss 20` 时，预计 UDP 大约五个数据报丢一个，TCP 重传
    的报文段要多得多、花的时间也长得多（每次丢包都让它等待并放慢速度），
    但仍然交付每一个字节。
answer-09-mss =
    你的握手那一步的 SYN 宣布了 `MSS { $mss }`：这是在 `lo` 上，它的分组
    可以非常大；在实验网络 1,500 字节的链路上会是 1,460
    （1,500 − 20 IPv4 − 20 TCP）。
answer-09-no-mss =
    （这次运行没有抓到 SYN：`sudo netlab handshake` 会显示它的 MSS。）
answer-09-fragments-no-lab =
    3,000 字节的 UDP 数据部分是 3,028 字节的 IP 数据报，在 1,500 字节的
    链路上被切成 3 个分片；接收方只有收齐所有分片才能重建这个数据报，而
    IP 和 UDP 什么也不重发。TCP 避免分片：每一方的 SYN 宣布自己的 MSS，
    即它接受的最大报文段，发送方把字节流切成一个个能装进一个分组的报文段。
answer-09-fragments-seen =
    在 `fragments` 这一步，{ $payload } 字节的数据部分在这条 { $mtu } 字节的
    链路上已经分成了 { $fragments } 个分片。
answer-09-fragments =
    3,000 字节的数据部分加上 8 字节的 UDP 首部，IP 要运载 3,008 个字节；
    每个分片最多装 { $per } 个（MTU 减去 20 字节的 IPv4 首部，再向下取整到
    8 的倍数），所以它要分成 { $count } 个分片传送。接收方只有等 { $count }
    个分片都到齐才能重建数据报，而 IP 和 UDP 都不会重发分片，所以丢了一个
    分片，就丢了全部 3,000 个字节。TCP 从不让事情走到这一步：每一方的 SYN
    宣布自己的 MSS，即它接受的最大报文段，发送方把字节流切成一个个能装进
    一个分组的报文段；丢了的报文段单独重发。
answer-09-back-to-back =
    三次写入紧挨着发送时，读出来是 { $reads }（{ $sizes }）；
answer-09-paced =
    每次之间停顿 { $pause } 时，服务器需要 { $reads }（{ $sizes }）。
    `read()` 返回的是到那时为止已经到达的内容：读的一方早已在等，每次写入
    都在下一次发出之前很久就单独到达了。这是时机，而不是承诺：TCP 仍然
    不保留边界，在慢速网络上或者读的一方很忙时，两次写入又可能在一次读取
    中碰到一起，所以协议不能用停顿来划分消息。在 `netlab socket connect`
    里慢慢地一行一行输入，也能看到同样的现象：每行读一次，因为你就是那个
    停顿。
# 同上，前面没有紧挨着发送的那一遍可以引用时。
answer-09-paced-alone =
    每次之间停顿 { $pause } 时，服务器需要 { $reads }（{ $sizes }）。
    `read()` 返回的是到那时为止已经到达的内容：读的一方早已在等，每次写入
    都在下一次发出之前很久就单独到达了。这是时机，而不是承诺：TCP 仍然
    不保留边界，在慢速网络上或者读的一方很忙时，两次写入又可能在一次读取
    中碰到一起，所以协议不能用停顿来划分消息。在 `netlab socket connect`
    里慢慢地一行一行输入，也能看到同样的现象：每行读一次，因为你就是那个
    停顿。
answer-09-chat =
    选 TCP，XMPP 就是这样做的。200 字节很容易装进一个数据报，所以 UDP 的
    大小限制不成问题，但聊天不能丢消息，也不能打乱消息的顺序，而且服务器
    必须能向家用路由器后面的客户端推送，一条开着的 TCP 连接正好可以做到。
    用 TCP，你要自己实现一样东西：划分消息，因为多次写入出来时会合在一起
    （`boundaries` 这一步）；XMPP 按 XML 元素来划分。用 UDP，你要自己实现
    的就多得多：给每条消息编号、确认和重发，把它们重新排好顺序，还要发送
    保活消息，让穿过路由器的连接一直开着。
# 同上，并引用实验网络中有丢包的链路上丢失的数据报。
answer-09-chat-lost =
    选 TCP，XMPP 就是这样做的。200 字节很容易装进一个数据报，所以 UDP 的
    大小限制不成问题，但聊天不能丢消息，也不能打乱消息的顺序（在有丢包的
    链路上，UDP 丢了 { $datagrams } 个数据报中的 { $lost } 个），而且服务器
    必须能向家用路由器后面的客户端推送，一条开着的 TCP 连接正好可以做到。
    用 TCP，你要自己实现一样东西：划分消息，因为多次写入出来时会合在一起
    （`boundaries` 这一步）；XMPP 按 XML 元素来划分。用 UDP，你要自己实现
    的就多得多：给每条消息编号、确认和重发，把它们重新排好顺序，还要发送
    保活消息，让穿过路由器的连接一直开着。
answer-09-analogies-no-lab =
    短信中心会把消息存起来，直到手机能收到为止，所以它一条也不会丢；预留的
    电路什么也不丢弃，所以只要有重传，就说明 TCP 什么也没有预留。
answer-09-analogies =
    UDP 丢了 { $datagrams } 个数据报中的 { $lost } 个。短信中心一条也不会丢：
    它把每条消息存起来，不断重试，直到手机能收到为止。说明 TCP 什么也没有
    预留的数字，是它的 { $retransmitted } 次重传：在预留的电路上，容量是为
    这次通话留出来的，其中什么也不会被丢弃；TCP 的报文段和别人的一样排队、
    一样被丢弃，再由它的内核重新发送。
