# 握手梯形图（src/show/ladder.rs）和一条连接里每个 TCP 报文段的含义
# （src/wire/tcp_flow.rs）。$me 和 $peer 是 `client` 或 `server`；
# $order 是 `first` 或 `second`。

ladder-client = 客户端 { $addr }
ladder-server = 服务器 { $addr }
ladder-wire = 线路上的值：seq { $seq }
ladder-wire-ack = 线路上的值：seq { $seq } ack { $ack }
ladder-data = { $bytes } 字节 { $text }
ladder-window-note =
    win 是接收窗口：报文段的发送方还能接收多少字节。这个字段只有 16 位，
    对高速链路来说太少，所以每个 SYN 的窗口扩大选项（WS { $shift }）
    说明它这一方以后的窗口以 2^{ $shift } 字节为单位：win={ $window } 表示
    { $window } × { $unit } = { $bytes } 字节（RFC 7323 § 2）。SYN 自己的
    窗口不扩大。

flow-rst =
    RST：{ $me ->
        [client] 客户端
       *[server] 服务器
    }中止了连接（没有程序在监听，或者程序在还有未读数据时关闭了）
flow-syn =
    { $me ->
        [client] 客户端
       *[server] 服务器
    }发起连接：它挑选自己的初始序号（ISN）{ $isn }，并通告自己的选项
flow-ack-is-isn =
    ack = { $peer ->
        [client] 客户端
       *[server] 服务器
    }的 ISN + 1 = { $ack }
flow-ack-is = ack = { $ack }
flow-syn-ack =
    { $me ->
        [client] 客户端
       *[server] 服务器
    }接受连接：它自己的 ISN 是 { $isn }，{ $check }，因为 SYN 占用了一个序号
flow-fin =
    { $bytes ->
        [0] {""}
       *[other] { $bytes } 字节数据，然后{" "}
    }FIN：{ $me ->
        [client] 客户端
       *[server] 服务器
    }不再发送数据（{ $order ->
        [first] 第一个
       *[second] 第二个
    } FIN；它也占用一个序号）
flow-data =
    来自{ $me ->
        [client] 客户端
       *[server] 服务器
    }的 { $bytes } 字节数据；{ $peer ->
        [client] 客户端
       *[server] 服务器
    }将确认到 seq + { $bytes }
flow-ack-syn =
    { $me ->
        [client] 客户端
       *[server] 服务器
    }确认了{ $peer ->
        [client] 客户端
       *[server] 服务器
    }的 SYN：握手完成，双方都是 ESTABLISHED
flow-ack-data =
    { $me ->
        [client] 客户端
       *[server] 服务器
    }确认了{ $peer ->
        [client] 客户端
       *[server] 服务器
    }的数据
flow-ack-fin =
    { $me ->
        [client] 客户端
       *[server] 服务器
    }确认了 FIN
flow-ack-last-fin =
    { $me ->
        [client] 客户端
       *[server] 服务器
    }确认了最后一个 FIN；因为它先关闭，它要在 TIME_WAIT 状态等待
    （2 × MSL）之后才忘掉这条连接
