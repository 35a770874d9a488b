package coroutines

import "context"

// A Task is a coroutine whose function returns a value: what gevent keeps
// in a greenlet's value. SpawnValue makes one. Its Coroutine methods (Join,
// Kill, Link, Name...) are there as usual.
type Task[T any] struct {
	*Coroutine
	value T
}

// SpawnValue spawns fn as Spawn(ctx, ...) does, and keeps the value fn
// returns for Result and Get. A task's error is kept for Get too: it is not
// reported to the loop when nobody joined the task before it ended, as a
// coroutine's is (see the package doc).
func SpawnValue[T any](ctx context.Context, fn func(ctx context.Context) (T, error)) *Task[T] {
	t := &Task[T]{}
	t.Coroutine = Spawn(ctx, t.run(fn))
	t.watched = true
	return t
}

func (t *Task[T]) run(fn func(ctx context.Context) (T, error)) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		v, err := fn(ctx)
		t.value = v
		return err
	}
}

// Result returns what the task's function returned, once the task is Done;
// the zero value and nil before.
func (t *Task[T]) Result() (T, error) { return t.value, t.err }

// Get parks the coroutine of ctx until the task has finished, as Join, and
// returns what the task's function returned. If ctx is done or the caller
// killed first, it returns the zero value and the cause.
func (t *Task[T]) Get(ctx context.Context) (T, error) {
	if err := t.Join(ctx); err != nil && !t.Done() {
		var zero T
		return zero, err
	}
	return t.Result()
}
