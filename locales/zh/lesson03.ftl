# 第 3 课的现场输出：服务器读到和写出的节（src/show/traits.rs）、对它的逐项
# 注释（src/course/stanza_notes.rs）、JID 以及某些写法为什么不是 JID
# （src/course/traits.rs、src/show/jid_error.rs）、被拒绝的联邦、推送对轮询，
# 以及服务器在登录之前提供了什么。

## `stanza` 这一步。

traits-arrived = C→S，服务器从 Alice 那里读到的内容（{ $bytes } 字节）：
traits-left = S→C，服务器写给 Bob 时的样子（{ $bytes } 字节）：
traits-added = 服务器只改了一处：加上了 { $added }。
traits-forged = 接着，Alice 的客户端自己写上 from="{ $forged }"；Bob 收到的是：

## `annotate` 这一步：每一项的意思（src/course/stanza_notes.rs）。

notes-message =
    消息节：推送给收件方，收件方不回任何东西（“发出即不管”）；属于名字空间
    jabber:client，继承自流首部
notes-presence = 出席信息节：是否在线，广播给订阅了它的人
notes-iq = iq 节：一个请求（get、set），恰好得到一个回答（result、error）
notes-body = 消息中给人读的文字
notes-subject = 对话的主题
notes-thread = 这条消息属于哪一个对话线索
notes-error = 这个节所回答的那个节出了什么问题
notes-condition = 标准定义的错误条件
notes-extension =
    另一个名字空间 { $ns } 中的数据部分：{ $what }。服务器不理解它，照样路由；
    只有接收方的软件才赋予它意义
notes-no-namespace = 不属于任何名字空间的元素：在 jabber:client 流里是无效的
notes-unknown-namespace =
    本程序不认识的名字空间 { $ns } 中的数据部分：服务器原样路由它，不认识它的
    接收方会忽略它
notes-chatstates =
    Chat State Notifications（聊天状态通知）；<active/> 表示发送方正看着这个
    对话
notes-receipts = Message Delivery Receipts（消息送达回执）
notes-delay = Delayed Delivery（延迟投递）：它被暂存的时间
notes-oob = Out of Band Data（带外数据）：一个要去获取的 URL
notes-bob = Bits of Binary（二进制数据块）：少量二进制数据
notes-to-bare =
    收件方，按发送方写的原样：一个纯 JID（即一个账号），所以由服务器挑选这个
    账号已连接的哪些资源收到它
notes-to-full =
    收件方，按发送方写的原样：一个完整 JID，所以正好由那个已连接的资源收到它
notes-to-invalid = 不是有效的 JID：{ $error }
notes-from =
    发送方的完整 JID，由服务器盖上：发送方没有写它，也无法选择它，所以谁也不
    能冒用别人的名义说话
notes-id = 由发送方选定，使回答或错误能够说明自己针对的是哪个节
notes-lang = 给人读的文字所用的语言：{ $value }，一个语言标签（BCP 47）
notes-xmlns =
    把这个元素及其子元素放进名字空间 { $value }；说明它由哪个规范定义的是名字
    空间，而不是元素的名字
notes-attribute = 这个元素的一个属性，由它所属名字空间的规范定义
notes-type = { $value }：{ $meaning }
notes-type-chat = 一对一的对话
notes-type-normal = 一条独立的消息
notes-type-groupchat = 多人聊天
notes-type-headline = 不期待回复的通知
notes-type-error = 关于先前发出的某个节的错误
notes-type-get = 请求信息
notes-type-set = 请求更改某样东西
notes-type-result = 对 get 或 set 的回答
notes-type-unavailable = 下线
notes-type-subscription = 订阅请求或对它的回答
notes-type-unknown = 本程序不认识的类型
notes-text = 文字本身：{ $chars } 个字符，{ $bytes } 个字节
notes-text-wide =
    文字本身：{ $chars } 个字符，却有 { $bytes } 个字节，因为 XMPP 总是使用
    UTF-8，而一个汉字要占三个字节
traits-read-as =
    src/xmpp/stanza.rs 把它读成一个 Message：type 为 { $kind }，from 为
    { $from }（{ $from_kind } JID），to 为 { $to }（{ $to_kind } JID），
    { $bodies } 个 body，还有 { $payloads } 个它保存着但不加解释的数据部分：
    { $list }
traits-jid-bare = 纯
traits-jid-full = 完整
traits-jid-none = 无

## `jids` 这一步：表格、每行的规则，以及被拒绝的写法。

traits-jid-written = 写法（规则）
traits-jid-local = 本地部分
traits-jid-domain = 域
traits-jid-resource = 资源
traits-jid-rule = （{ $rule }）
jid-rule-full = 完整 JID：一台设备
jid-rule-bare = 纯 JID；转成小写
jid-rule-resource = 资源：第一个 / 之后的全部
jid-rule-at = 这个 @ 在资源里
jid-rule-server = 服务器本身
jid-rule-dot = 末尾的点被去掉
jid-rule-ipv6 = 用 IPv6 地址作域
jid-rule-script = 本地部分可用任何文字
traits-not-jids = 不是 JID 的写法，以及各自违反的规则：
traits-long = { $start }…@localhost（{ $count } 个 a）
traits-unexpected = 被当作 { $jid } 接受了（出乎意料）
traits-bound =
    Alice 再登录一次，请求的资源是 tablet/2@home。服务器绑定了
    { $jid }：本地部分 { $local }，域 { $domain }，资源 { $resource }。

## 一个字符串为什么不是 JID（src/show/jid_error.rs）：src/xmpp/jid.rs 中
## JidError 的说法。

jid-part-local = 本地部分
jid-part-domain = 域
jid-part-resource = 资源
jid-error-empty = 这个 JID 是空的；至少需要一个域（RFC 7622 § 3.1）
jid-error-empty-part =
    { $part }是空的：在 '{ $jid }' 里，{ $place }（{ $section }：出现的每个部
    分至少要有一个字节，RFC 7622 § 3.1）
jid-where-local = '@' 前面什么也没有
jid-where-domain = '@' 和 '/' 之间没有服务器
jid-where-resource = '/' 后面什么也没有
jid-error-too-long =
    { $part }长 { $len } 个字节，超过了上限 1023（RFC 7622 § 3.1）
jid-error-forbidden =
    { $part } '{ $text }' 含有 { $char }，这里不允许出现它（{ $rule }，
    { $section }）
jid-forbidden-reserved = " & ' / : < > @ 这八个字符是保留的
jid-forbidden-space = PRECIS 的 IdentifierClass 不含空格
jid-forbidden-control = 控制字符一律不允许
jid-forbidden-dns = DNS 标号只能由字母、数字和 '-' 组成，或者是 IDNA2008 的 U-label
jid-error-empty-label =
    域 '{ $domain }' 中有一个空的标号（连着两个点，或者以点开头）；DNS 名字是
    由单个点隔开的一串标号（RFC 7622 § 3.2，RFC 1034 § 3.1）
jid-error-ip-literal =
    域 '{ $domain }' 以 '[' 开头，却不是像 '[::1]' 那样放在方括号里的 IPv6
    地址（RFC 7622 § 3.2，RFC 3986 § 3.2.2）

## `federation` 这一步。

traits-alice-sends = alice 发出：
traits-server-answers = 服务器回答：
traits-federation =
    域 example.org 指的是另一台服务器，所以 Alice 的服务器得去连接它，即服务器
    到服务器（端口 5269）。本课运行这台服务器时关闭了联邦（第 5 课会打开），
    所以它自己回答了 <{ $condition }/>。这个错误写着
    from="juliet@example.org"，因为它说的是那个地址；但没有任何东西离开这台机
    器：Juliet 的客户端永远不会被 Alice 的客户端联系，只会被它自己的服务器联
    系。

## `push-poll` 这一步。

traits-race =
    Alice 发出 { $messages } 条消息，每 { $spacing } 一条，每条都在同一时刻既
    用 XMPP 发出，又投递到 HTTP 收件箱：
traits-race-how = Bob 的接收方式
traits-race-requests = 请求数
traits-race-empty = 空回答
traits-race-up = 上行
traits-race-down = 下行
traits-race-mean = 平均时延
traits-race-max = 最大时延
traits-push = XMPP 推送
traits-poll = 每 { $every } 轮询一次
traits-segments = { $method } { $count } 个（{ $bytes } 字节）
traits-list-separator = ；
traits-race-columns =
    上行和下行：接收方连接上的字节数，由它的中继计数。平均时延和最大时延：从
    发出到到达所经过的时间。没有计入：TCP/IP 首部，在 lo 上每个报文段
    { $headers } 字节。带数据的报文段：{ $segments }。
traits-race-measured = 这是刚才在这台机器上测得的：再运行一次，时延会变，规律不会变。

## `security` 这一步。

traits-features = 登录之前，服务器向 Alice 提供的流特性（features）：
traits-first-sasl = Alice 的第一条 SASL 消息（{ $mechanism }）：
traits-decoded = base64 解码后：{ $decoded }
traits-security =
    服务器提供了 <starttls/>（TLS，用来给流加密，并证明服务器的名字）和几种
    SASL 机制（用来证明用户是谁）。本课的客户端跳过了 TLS，好让每个字节都能直接
    读懂；即便如此，SCRAM 也没让密码出现在线路上：解码后的消息里只有用户名和一
    个随机数（nonce），密码本身从不传过去，传过去的只是由它算出的一个证明。
