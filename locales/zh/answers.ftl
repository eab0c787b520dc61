# `netlab lesson N --answers` 在一课之后打印的参考答案：根据学生自己这次运行
# 的结果组成（src/course/lessonNN.rs 里每一课的 `answers()`），以及它们共用
# 的字（src/course/worked.rs）。每条消息是一段 Markdown。
#
# 协议记号（SYN、FIN、TIME_WAIT）、反引号里的命令和 XML、数字都保持原样。

## 每一课共用。

answer-not-run = 这道题用到的那一步没有运行。
# 列举：“a、b 和 c”。代码先用 answer-list-comma 连起最后一项之前的各项。
answer-list-and = { $first } 和 { $last }
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
