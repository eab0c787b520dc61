# 第 2 课的现场输出（src/show/interop.rs）：我们的客户端和在普通套接字上
# 手工输入的 XML，经过同一个服务器。

interop-listening = 在本进程中监听 { $addr }，不用 TLS
interop-alice-in =
    netlab 的 Client 让 alice 登录（{ $mechanism }，过程同第 1 课），绑定了
    { $jid } 并发送了 <presence/>
interop-connect = connect() 到 { $server }，本地地址 { $local }
interop-plain-socket = 一个普通的 TCP 套接字：从这里开始不用任何 XMPP 库
interop-plain-layout =
    （RFC 4616：授权身份（这里为空）、NUL、用户名、NUL、口令）
interop-received = 她的 Client 收到了，在 bob 写出之后 { $took }；它解析出的样子：
interop-answers = 她的 Client 回复（Client::send）
interop-trace = 服务器对这两条消息的跟踪记录：
interop-closed-too = 服务器也关闭了 TCP 连接
interop-closed = 服务器关闭了连接
interop-more-bytes = 服务器说完最后一句之后还来了更多字节
interop-third-socket = 第三个套接字，它不登录就发送消息
interop-carol-opened =
    从 { $local } 发起 connect()；流已打开：输入了 { $typed } 字节，读到 { $read } 字节
interop-typed = 输入了 { $bytes } 字节：
interop-sent = 发送了 { $bytes } 字节：
