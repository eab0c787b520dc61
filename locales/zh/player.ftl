# 课程播放器自己的话（src/course/player.rs）和课程表（src/show/lessons.rs）。
# 旁白本身在 lessons/zh/NN-*.md。

player-next-section = 下一节：{ $section }
player-more = 继续
player-run = 运行：{ $step }
player-live = ┄┄ 现场演示：{ $step } ┄┄
player-next-lesson = 下一课
player-not-built = 第 { $number } 课 · { $article }：尚未完成，跳过。
answers-heading = 解答（用这次运行的数字）
answers-none = 第 { $number } 课还没有解答：它的练习可以从上面的输出中回答。
recording-caption = *▸ 这一步在一次录制的运行中打印的内容：*
answers-exercise = 练习 { $number }.

lessons-number = #
lessons-lesson = 课
lessons-demo = 现场演示
lessons-status = 状态
lessons-name = 名称：{ $slug }
lessons-ready = 可以运行
lessons-not-built = 尚未完成
lessons-needs = 需要：{ $needs }
lessons-run = 用 `netlab lesson N`（或课的名称）运行一课，用 `netlab tour` 按顺序运行全部。
