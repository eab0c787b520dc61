# `netlab dissect` 在字段周围写的注释（src/show/packet.rs）和这个工具自己
# 的话（src/tools/dissect.rs）。字段、层的名字和仿 tcpdump 的摘要行不译。
# truncated 译作“不完整”（字节缺了），cut 译作“截短”（抓包的快照长度
# 截掉的），malformed 译作“格式错误”。

## 一个帧的问题，在树和摘要行里

dissect-truncated = （不完整：{ $error }）
dissect-malformed = （格式错误：{ $error }）
dissect-cut-header = （截短：{ $needed } 字节中只有 { $available } 字节）
# 树中每一层的首行：名字、在两种模型中的位置、它的字节。
dissect-head = ▸ { $title }{ $quoted }{ $cut } · OSI { $osi } { $osi_name } · TCP/IP { $tcpip } · 字节 { $start }–{ $end }（{ $len } 字节）
dissect-data = ▸ 数据 · 字节 { $start }–{ $end }（{ $len } 字节）
dissect-undissected = {" "}· { $what }，未解析
dissect-quoted = （被引用的）
dissect-cut = （截短：{ $layer } 需要 { $needed } 字节，抓包只保留了 { $available } 字节）
dissect-capture-kept =
    {"  "}（抓包只保留了 { $original } 字节中的 { $captured } 字节：其余的被
    快照长度截掉了）
dissect-summary-cut-in =
    （截短：{ $layer } 需要 { $needed } 字节；抓到了 { $original } 字节中的
    { $captured } 字节）
dissect-summary-cut = （截短：抓到了 { $original } 字节中的 { $captured } 字节）
dissect-summary-problem = { $problem }

## ICMP 差错报告报文引用的内容

dissect-note = {"  "}（{ $note }）
dissect-quote-of =
    这个 ICMP 差错报告报文引用了引起它的那个分组 { $original } 字节中的
    { $length } 字节
dissect-quote = 这个 ICMP 差错报告报文引用了引起它的那个分组的 { $length } 字节
dissect-quote-cut =
    ；引用在 { $needed } 字节的 { $layer } 首部的第 { $available } 字节处结束：
    这是发送方截短的，不是格式错误

## 工具本身（src/tools/dissect.rs）

dissect-frame =
    第 { $number } 帧：抓到 { $captured } 字节，线路上 { $original } 字节，
    { $link }
dissect-comment = {" "}— 注释：{ $comment }
dissect-after-frame = { $input }，第 { $number } 帧之后：之前的帧都已显示
dissect-reading-hex = 读取十六进制输入
dissect-hex-line = 十六进制输入的第 { $line } 行
dissect-hex-odd = { $count } 个十六进制数字：每个字节要两个，总数必须是偶数
dissect-hex-byte = `{ $text }` 不是一个十六进制字节
dissect-opening = 打开 { $input }
dissect-writing = 写输出
