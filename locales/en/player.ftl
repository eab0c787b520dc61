# The player's own words around a lesson (src/course/player.rs) and the
# lessons table (src/show/lessons.rs). The narration itself is in
# lessons/NN-*.md.

player-next-section = next: { $section }
player-more = more
player-run = run: { $step }
player-live = ┄┄ live: { $step } ┄┄
player-next-lesson = next lesson
player-not-built = Lesson { $number } · { $title } ({ $article }): not built yet, skipped.
answers-heading = Answers, worked from this run
answers-none =
    Lesson { $number } has no worked answers yet: its exercises can be
    answered from the output above.
recording-caption = *▸ What this step printed in a recorded run:*
answers-exercise = Exercise { $number }.

lessons-number = #
lessons-lesson = lesson
lessons-demo = live demo
lessons-status = status
lessons-name = name: { $slug }
lessons-ready = ready
lessons-not-built = not built yet
lessons-needs = needs: { $needs }
lessons-run =
    Run one with `netlab lesson N` (or its name), all with `netlab tour`.
