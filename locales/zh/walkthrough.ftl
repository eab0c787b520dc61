# 第 10 课的逐步演示（src/sockets/walkthrough.rs）：每次调用之后，从
# /proc/net/tcp 读到的内核所做的事。每一步的标签（src/show/steps.rs）。

kernel-label = 内核：

walk-socket-created =
    现在有了一个 TCP 套接字（/proc/self/fd/{ $fd } → socket:[{ $inode }]），
    但它还没有地址和端口，所以 /proc/net/tcp 里还没有它
walk-socket-listed = 这个套接字已经出现在 /proc/net/tcp 里
walk-reuseaddr = 用 getsockopt 读回的 SO_REUSEADDR 是 { $on }
walk-bound =
    端口 { $port } 已为这个套接字保留；只绑定了的套接字仍然不在
    /proc/net/tcp 里（{ $rows } 行）
walk-listening =
    状态 { $state }；有 { $queued } 个连接在已完成连接队列（accept 队列，
    即 LISTEN 行的 Recv-Q）里等待，最多可以等 { $backlog } 个
walk-listener-missing = /proc/net/tcp 里找不到这个监听套接字
walk-second-socket = 第二个还没有连接的 TCP 套接字
walk-picked-port = 0，内核挑选了端口 { $port }
walk-connected =
    在任何 accept() 之前，SYN、SYN-ACK、ACK 就已完成：两端都是
    ESTABLISHED，服务器这一端在 accept 队列里等待，还没有 fd
    （队列中有 { $queued } 个）
walk-accept-returned = fd { $fd }，对端 { $peer }
walk-accepted =
    排队的连接现在有了 fd { $fd }（本地端口相同，套接字是新的）；
    accept 队列回到 { $queued }
walk-bytes-wait =
    { $bytes } 字节在服务器套接字的接收队列（Recv-Q）里等待，直到服务器
    读取它们
walk-read-returned = { $bytes } 字节：{ $text }
walk-recv-q-empty = Recv-Q 又空了
walk-reply = 回复沿着同一条连接反方向传送
walk-full-duplex = 一条连接可以同时双向传送字节（全双工）
walk-half-closed =
    FIN 已发出并被确认：客户端 FIN_WAIT2，服务器 CLOSE_WAIT（它仍然可以
    发送）；服务器的 Recv-Q 是 { $fin }：一个 FIN 占用一个序号
walk-end-of-stream = { $bytes }（流结束：对方发送了 FIN）
walk-read-zero = 读到 0 字节，程序就知道对方已经发送完毕
walk-server-closed =
    服务器的 FIN 被确认，它的套接字已经不在了；先关闭的客户端处于
    TIME_WAIT
walk-time-wait =
    fd 已经没有了，但内核把 TIME_WAIT 条目（现在没有 inode）保留 60 秒，
    这样这条连接迟到的报文段就不会被误认为属于新连接
walk-listener-closed = LISTEN 行没有了：现在再连接这个端口会被拒绝

## backlog、线程和 UDP 这几步（src/course/lesson10.rs、
## src/sockets/udp_contrast.rs）。

backlog-listen = listen(backlog { $backlog })，地址 { $addr }，从不调用 accept()
backlog-queued = 内核已完成握手，在队列里等待
backlog-dropped = 它的 SYN 被丢弃了：队列已满
backlog-recv-q = LISTEN 行的 Recv-Q 是 { $queued }：backlog { $backlog } + 1
backlog-got-in =
    一次 accept() 之后，客户端 { $client } 的 TCP 重发了 SYN，{ $after } 之后
    连了进来
backlog-not-yet =
    一次 accept() 之后，最后一个客户端还没有连进来：它的重试间隔越来越长
threads-listening =
    在 { $addr } 上监听；主线程只管 accept()，把每个连接交给一个新线程
threads-concurrent =
    两个处理线程同时运行时，/proc/net/tcp 里在 { $addr } 上有 { $count } 个
    ESTABLISHED 套接字
threads-served =
    { $client }，来自 { $peer }：由线程 { $thread }（内核 tid { $tid }）服务，
    读回 { $reply }
udp-listed = /proc/net/udp 立刻列出了它，状态是 { $state }：UDP 没有状态
udp-missing = （缺失）
udp-listen-unexpected = 0（出乎意料！）
udp-no-listen = 没有连接，所以没有什么可监听，也没有什么可 accept()
udp-sent = 没有握手：数据报立刻发出，源端口 { $port } 是内核当场挑选的
udp-received = { $bytes } 字节 { $text }，来自 { $from }
udp-one-socket = 同一个服务器套接字接收来自每个对端的数据报；每个数据报都写明了发送方
