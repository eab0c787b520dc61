# 第 5 课时序图上服务器自己的记录（src/show/server_notes.rs）。

## 服务器自己的记录（src/show/server_notes.rs），英文原文见
## src/xmpp/server/c2s.rs、s2s_in.rs、s2s_out.rs。

note-connected-from = 接受了来自 { $addr } 的连接
note-server-connection-from = 接受了来自 { $addr } 的服务器连接
note-tls-restarts = TLS 已建立；流重新开始
note-tls-unverified = TLS 已建立（未验证证书：由服务器回拨来决定）
note-authenticated-as = 已认证为 { $user }
note-bound = 已绑定 { $jid }
note-failed-connecting = 失败：连接 { $addr } 时出错：{ $error }
note-may-send-to-us = 已认证：{ $domain } 可以在这个流上向我们发送
note-may-now-send = 已认证：{ $ours } 现在可以在这个流上向 { $theirs } 发送
note-claims-name =
    { $from } 声称了自己的名字：去问 { $from } 本身（db:verify，id { $id }）
note-is-at = { $domain } 在 { $addr }（{ $how }）
note-how-pinned = 固定路由
note-how-fallback = 没有 SRV 记录：A/AAAA，5269 端口
