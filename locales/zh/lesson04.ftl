# 第 4 课的现场输出：服务器、它的客户端和 IRC 网关（src/course/lesson04.rs），
# 由 src/show/structure.rs 排版；每个套接字属于谁，以及本课显示的服务器跟踪
# 记录中的注记。

## 每一行 XML 或 IRC 上方的“谁写给谁”。

structure-to-server = { $who } → 服务器
structure-from-server = 服务器 → { $who }
structure-to-gateway = { $who } → 网关
structure-from-gateway = 网关 → { $who }
structure-client-to-server = 客户端 → 服务器
structure-server-to-client = 服务器 → 客户端
structure-trace = 服务器的跟踪记录：
structure-client-writes = { $who } 的客户端写出：
structure-bot-writes = 机器人 { $domain } 写出：
structure-list-separator = 、
# 还没有绑定资源的连接（src/course/structure.rs）。
structure-connection = 连接 { $conn }

## 服务器在跟踪记录里写下的注记（src/xmpp/server/），按第 4 课显示的样子。

structure-note-component-from = 组件连接，来自 { $peer }
structure-note-authenticated = 组件 { $name } 已通过认证
structure-note-stream-error = 流错误 { $condition }
structure-note-client-closed = 客户端关闭了连接
structure-note-component-closed = 组件连接已关闭

## `roles` 这一步。

structure-role-server = 服务器
structure-role-gateway = 网关
structure-role-bot = 机器人
structure-server-listens = 在本进程中监听，服务于域 localhost：
structure-server-ports = 客户端端口 { $clients }，组件端口 { $components }
structure-accounts = 账号：{ $users }
structure-logged-in = 在 { $device } 上登录：{ $jid }
structure-gateway-is = { $domain }，一个组件：连在组件端口上；
structure-gateway-listens = 在 { $irc } 上等待 IRC 用户
structure-irc-user = 一个 IRC 用户，手工输入：连在网关上
structure-bot = { $domain }，第二个组件，手工输入
structure-gateway-login =
    网关的登录过程，取自服务器的跟踪记录（保留了名字空间：靠它们区分组件的流和
    客户端的流）：
structure-irc-registers =
    { $nick } 在 IRC 上注册：手工输入两行，然后是网关的欢迎词（共 { $lines }
    行；这里只显示第一行和最后一行）：
structure-kernel-rows =
    内核：/proc/net/tcp 中带有这三个监听端口之一的每一行：三个监听套接字，以及
    { $connections } 条连接，每条连接从两端各看一次
structure-col-local = 本地
structure-col-remote = 远端
structure-col-state = 状态
structure-col-owner = 属于
structure-owner-client-port = 服务器，客户端端口
structure-owner-component-port = 服务器，组件端口
structure-owner-irc-port = 网关，IRC 端口
structure-owner-server-end = 服务器这端，连着 { $who }
structure-owner-gateway-end = 网关这端，连着 { $who }
structure-owner-client = { $who } 的客户端
structure-owner-irc-client = { $who } 的 IRC 客户端
structure-owner-component = { $who }，组件

## `routing` 这一步。

structure-client-to-client = 客户端 → 服务器 → 客户端
structure-by-localpart =
    按本地部分路由：服务器在它的在线用户表里找到了 bob，把消息写进他的连接，并
    加上了 from。
structure-client-to-irc = 客户端 → 服务器 → 网关 → IRC
structure-by-domain =
    按域路由：{ $domain } 属于一个组件，所以服务器不看本地部分，就把消息交了过
    去，只加上了 from。网关在 mallory 的 IRC 连接上写了一行：
structure-same-sentence =
    同一句话：从服务器到网关是 { $xml } 字节的 XML，从网关到 mallory 是
    { $irc } 字节的 IRC（包括 CR LF）。
structure-irc-to-client = IRC → 网关 → 服务器 → 客户端
structure-nick-types = { $nick } 输入：
structure-gateway-from =
    from 是网关自己写的，即 mallory@gw.localhost，服务器放行了：这个地址在网关
    自己的域里。
structure-lying-component = 一个说谎的组件
structure-lie-refused =
    from="alice@localhost/laptop" 不在 bot.localhost 里：服务器用 invalid-from
    结束了这个组件的流，什么也没有路由。Bob 从没见到这条消息。

## `jobs` 这一步。

structure-job-records = 1. 客户端信息记录
structure-nothing-went-out =
    什么也没有发出去：carol 不在线。Alice 和 bob 也已经互相请求了对方的出席信
    息。服务器现在保存的内容：
structure-database = 服务器的数据库，一个 SQLite 文件：
structure-table-users = 表 { $table }，每个账号一行：{ $users }
structure-table-credentials = 表 { $table }，alice 的各行（没有密码这一列）：
structure-col-mechanism = 机制
structure-col-iterations = 迭代次数
structure-col-salt = 盐
structure-table-roster = 表 { $table }，alice 的联系人（名册版本 { $version }）：
structure-asked = ，已发出请求
structure-table-offline = 表 { $table }，等着 carol 的消息：{ $count } 条
structure-offline-row = 第 { $id } 行，到达时间 { $stamp }：
structure-job-connections = 2. 连接管理
structure-second-device =
    alice 从她的手机再登录一次：同一个账号的第二条 TCP 连接。服务器的连接表（取
    自它的跟踪记录），以及内核中每条连接的状态：
structure-col-conn = 连接
structure-col-from = 来自
structure-col-bound = 绑定到
structure-col-kernel = 内核：服务器这端
structure-gone = 已消失
structure-bound-component = { $jid }（组件）
structure-bound-server = { $jid }（服务器）
structure-replace =
    现在另一条连接以 alice@localhost/laptop 登录，而这个资源已经被笔记本电脑占
    着。服务器保留较新的会话，结束较旧的那个；它对旧连接的跟踪记录：
# 被替换的客户端报告的内容（src/course/structure.rs）。
structure-stream-error = 流错误 <{ $condition }/>
structure-old-laptop = 旧笔记本电脑上的客户端报告：{ $error }。现在的连接表：
structure-job-routing = 3. 路由
structure-to-bare =
    在笔记本电脑被替换之前，bob 给 alice 的纯 JID 写了一条消息，没有指明设备；
    服务器在那张表里查到 alice，给她的每一台在线设备各投递了一份：

## `streams` 这一步。

structure-headers-of = 连接 { $conn }（{ $jid }）的每一个流首部：
structure-stream-number = （第 { $number } 个流）
structure-col-ids = 服务器给各个流的 id
structure-client-carried = 这条客户端连接携带了 { $headers } 个流首部。
structure-component-carried = 组件的连接携带了 { $headers } 个流首部。
structure-each-client-carried = { $count } 条客户端连接各携带了 { $headers } 个流首部。
structure-each-component-carried = { $count } 条组件连接各携带了 { $headers } 个流首部。
structure-per-client = 每条客户端连接的流首部数：{ $counts }。
structure-per-component = 每条组件连接的流首部数：{ $counts }。
structure-kernel-ends =
    内核：服务器开着 { $open } 条连接，/proc/net/tcp 中有 { $ends } 个服务器这
    端处于 ESTABLISHED

## `beyond` 这一步。

structure-beyond =
    example.org 不是这台服务器服务的域，而本课运行它时没有联邦（没有服务器到服
    务器的连接），所以它替 juliet 自己作了回答：<{ $condition }/>。没有任何东
    西离开这台机器。
