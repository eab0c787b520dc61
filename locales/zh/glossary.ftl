# 术语表条目周围的字（src/show/glossary.rs），以及术语表里查不到的词
# （src/course/glossary.rs）。条目本身在 book/zh/src/glossary.md。

glossary-lesson = 第 { $number } 课
glossary-also = 又称：{ $names }
glossary-count = 共 { $count } 个术语。`netlab glossary 术语` 显示一个，`netlab lesson N` 现场演示它。
glossary-unknown = 术语表里没有 `{ $asked }`；`netlab glossary` 会列出所有术语
glossary-unknown-closest = 术语表里没有 `{ $asked }`；你要找的是不是 { $closest }？
