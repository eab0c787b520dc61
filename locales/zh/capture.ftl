# 读写抓包文件的错误（src/capture/file/）；`netlab dissect FILE` 把它们
# 写成一行，放在文件名后面。

capture-io = 读写抓包文件失败：{ $error }
capture-too-short =
    这个文件只有 { $length } 字节，不够放下 4 字节的魔数（魔数说明抓包文件
    是哪种格式）
capture-not-a-capture =
    不是抓包文件：它以 { $magic } 开头，不是 pcap（a1b2c3d4 / a1b23c4d /
    a1b2cd34，两种字节序都行）或 pcapng（0a0d0d0a）的魔数
capture-bad-header = 这个 { $format } 文件的文件首部损坏了：{ $reason }
capture-corrupt = 抓包文件在第 { $frame } 帧处损坏了：{ $reason }
capture-wrong-link-type =
    不能把 { $frame } 帧写进接口类型为 { $file } 的文件：pcapng 的每个接口
    只有一种链路类型
capture-unwritable = 不能把它写进 pcapng 文件：{ $reason }

## 损坏的首部、记录或块的原因

capture-ends-cut =
    文件在这个{ $what ->
        [header] 首部
        [record] 记录
       *[block] 块
    }的中间就结束了：文件被截短了，或者某个长度字段损坏了
capture-ends =
    文件在这个{ $what ->
        [header] 首部
        [record] 记录
       *[block] 块
    }的中间就结束了
capture-no-endofopt =
    这个{ $what ->
        [header] 首部
        [record] 记录
       *[block] 块
    }里的一个选项列表没有以 opt_endofopt 结尾；pcapng 规范允许这样，但
    pcap-file 2.0.0 拒绝它
capture-invalid-field =
    这个{ $what ->
        [header] 首部
        [record] 记录
       *[block] 块
    }的一个字段无效（{ $field }）
capture-not-utf8 =
    这个{ $what ->
        [header] 首部
        [record] 记录
       *[block] 块
    }的一个文本选项（注释或名字）不是 UTF-8
capture-unknown-interface =
    这个{ $what ->
        [header] 首部
        [record] 记录
       *[block] 块
    }指明的接口 { $id } 没有被描述过
capture-missing-interface =
    这个分组说它来自接口 { $id }，但这个 section 在它之前只描述了 { $known } 个接口
