# 第 1 课的现场输出（src/show/im.rs、src/course/im.rs）：一个服务器、两个
# 客户端、一条被推送的消息、出席信息、一条离线消息。

im-server = 服务器
im-listening = 在本进程中监听 { $addr }
im-listening-why =
    端口由内核挑选，账号是 alice 和 bob，不用 TLS，这样每个字节都能看到
im-alice-login = alice 的登录过程，服务器看到的样子（{ $ms } 毫秒；过长的值已截断）：
im-bob-login =
    bob 的登录：同样的 { $pieces } 段 XML，在它自己的一条连接上。
im-online = 然后两人各自声明自己在线：
im-connections =
    /proc/net/tcp 中含有服务器端口的每一行：一个监听套接字和
    { $ends } 个 ESTABLISHED 端点，每条连接两个（客户端和服务器都在这个进程里）
im-owner-listener = 服务器的监听套接字
im-owner-server-end = 服务器这一端：{ $who } 的连接
im-owner-client = { $who } 的客户端
im-alice-writes = alice 的客户端写出：
im-server-trace = 服务器的跟踪记录，它收到和发出的一切：
im-bob-got = bob 的客户端收到了 <body>{ $body }</body>，来自 { $from }。
im-bob-sent =
    为了收到它，bob 的客户端发送了 { $stanzas } 个节：服务器沿着 bob 登录时
    打开的连接把它推送了下来。
im-send-receive = 发送 → 接收，在这台机器上，此刻：
im-this-message = 这条消息：{ $took }
im-more =
    另外 { $count } 条，一条一条地发：中位数 { $median }，最快 { $fastest }，
    最慢 { $slowest }
im-subscribe = 两人互相请求对方的出席信息，并且同意了：
im-away = bob 离开了（away）：
im-shows = alice 的客户端现在显示 bob 为“{ $show }”，无需询问。
im-write-to-client = bob 写出 → alice 的客户端收到：{ $took }
im-bob-closes = bob 关闭了他的流和连接；alice 收到通知：
im-sends-anyway = alice 照样发送；服务器对此的跟踪记录：
im-stored =
    什么也没有发出去：bob 没有可以推送的连接，所以服务器把消息存了起来
    （存在它的数据库里，这里是内存中的 SQLite）。
# 三行，各自原样打印（不折行）：数字放在宽度变化不会移动换行的位置，这样书里
# 的终端记录仍可检查。
im-relogin-1 = bob 离线 { $away }；然后他重新登录（{ $ms } 毫秒），
im-relogin-2 = 用的是一条新连接（客户端端口：{ $ports }），并声明自己在线；
im-relogin-3 = 服务器把保存的消息交给他：
im-then = {" "}然后{" "}
im-delay =
    <delay>（XEP-0203）说明服务器是何时收到这条消息的；按这台机器的时钟：
im-alice-sent = alice 发出
im-server-stamped = 服务器盖的时间戳
im-bob-got-it = bob 收到
im-no-stamp = （无）
im-later = （晚了 { $ms } 毫秒）

# 服务器的记录里，一行 XML 是谁写给谁的。
conversation-to-server = { $who } → 服务器
conversation-from-server = 服务器 → { $who }
