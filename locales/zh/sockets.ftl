# 套接字错误的解释（src/sockets/errors.rs）、第 8 课故意犯的错误
# （src/sockets/mistakes.rs、src/course/lesson08.rs），以及任何工具打印错误时
# 用的标签（src/show/errors.rs）。
#
# 协议记号（SYN、RST、SO_REUSEADDR、TIME_WAIT）和反引号里的命令在各种语言里
# 都保持原样。

## 每个错误为什么发生，以及怎么办。

errno-eaddrinuse-why =
    另一个套接字已经占用了 { $addr }；两个套接字不能绑定同一个地址和端口
    （SO_REUSEADDR 只允许重用旧连接处于 TIME_WAIT 状态的端口）
errno-eaddrinuse-fix =
    换一个端口，或者用端口 0 让内核来选；`ss -ltnp 'sport = :{ $port }'`
    可以看到是谁占用了它
errno-privileged-port-why =
    在 Linux 上，{ $start } 以下的端口是特权端口：绑定它们需要
    CAP_NET_BIND_SERVICE 能力（capability）
errno-privileged-port-fix =
    使用 1024 或以上的端口（例如 7000），或者授予这个能力：
    `sudo setcap cap_net_bind_service=+ep { $program }`
errno-eperm-why = 内核拒绝了：这需要你没有的权限
errno-eperm-fix = 以 root 身份运行：`sudo { $program }`
errno-econnrefused-why =
    { $addr } 上没有程序在监听：接收方的内核用 RST 回答了 SYN
errno-econnrefused-fix =
    先启动服务器（例如 `netlab socket listen 127.0.0.1:7000`），
    并检查地址和端口
errno-eaddrnotavail-why = 这个地址不属于本机的任何一个接口
errno-eaddrnotavail-fix = 绑定 `ip addr` 列出的地址，例如 127.0.0.1
errno-etimedout-why = 没有等到回答：SYN（或数据）始终没有被确认
errno-etimedout-fix = 检查地址；可能有防火墙丢弃了这些分组
errno-econnreset-why =
    对方的内核重置了连接（RST）：对方程序在还有未读数据时关闭了，或者崩溃了
errno-econnreset-fix = 查看另一端的日志
errno-eopnotsupp-why =
    这种套接字不支持这个调用（例如在 UDP 上调用 listen()：UDP 没有连接）
errno-eopnotsupp-fix = listen()/accept() 要用 SOCK_STREAM（TCP）套接字
# 失败的调用没有给出地址时的说法。
errno-that-address = 那个地址
errno-that-port = 那个端口

## 解释错误时用的标签。

error-label = 错误：
error-because = 原因：{ $cause }
error-fix = 解决：{ $fix }

## 第 8 课故意犯的三个错误。

mistake-allowed = = 0（允许）
mistake-second-bind = 在第二个套接字上 bind({ $addr })
mistake-in-use-when =
    第一个套接字正在 { $addr } 上监听（LISTEN）；两个都设置了 SO_REUSEADDR
mistake-has-cap-when =
    本进程拥有 CAP_NET_BIND_SERVICE（它以 root 身份运行，或者用 setcap
    授予过）
mistake-dropped-cap-when =
    在一个放弃了 CAP_NET_BIND_SERVICE 的线程里：每个普通用户得到的就是这个结果
mistake-no-cap-when = 本进程没有 CAP_NET_BIND_SERVICE
mistake-refused-when =
    { $addr } 被另一个套接字绑定了，但没有人对它调用 listen()
mistake-when = 情形：{ $text }
mistake-why = 原因：{ $text }
mistake-fix = 解决：{ $text }

## 套接字工具（src/tools/socket.rs、src/sockets/mod.rs）。

socket-call-failed = { $call } 失败：{ $error }
socket-talking-to = 与 { $addr } 通信时出错
socket-type-lines = 输入要发送的行；按 Ctrl-D 结束（然后等待回复）
