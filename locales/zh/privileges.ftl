# 第 7、9 课在程序缺少某项特权时说的话（src/show/privileges.rs）：
# 需要哪项能力（capability），以及授予它的命令。

needs-net-raw = 抓包需要 CAP_NET_RAW 能力（capability），而这个程序没有。
needs-net-raw-setcap = 可以一次性把这项能力授予程序（每次重新编译之后要再授予一次）：
needs-net-raw-root = 或者以 root 身份运行：
needs-lab =
    实验网络需要 CAP_NET_ADMIN 能力来创建网络接口和防火墙规则（还需要
    CAP_SYS_ADMIN 来创建和进入网络命名空间）；请以 root 身份运行：`sudo
    { $program }`
