package main

import (
	parkwaitsfirst "github.com/loopkit/loopkit/tutorials/07-coroutines/testdata/mutants/park-waits-first"
	resumedoesnotwait "github.com/loopkit/loopkit/tutorials/07-coroutines/testdata/mutants/resume-does-not-wait"
	sleepblockstheloop "github.com/loopkit/loopkit/tutorials/07-coroutines/testdata/mutants/sleep-blocks-the-loop"
	sleepleavestimer "github.com/loopkit/loopkit/tutorials/07-coroutines/testdata/mutants/sleep-leaves-timer"
	waitforkeepswaiter "github.com/loopkit/loopkit/tutorials/07-coroutines/testdata/mutants/waitfor-keeps-waiter"
)

// The known-wrong versions, for CI to prove that the checks catch them
// (LOOPKIT_IMPL=mutant/NAME; see tutorials/steps.json).
func init() {
	impls["mutant/resume-does-not-wait"] = adapt[*resumedoesnotwait.Hub](resumedoesnotwait.NewHub, resumedoesnotwait.ErrKilled)
	impls["mutant/park-waits-first"] = adapt[*parkwaitsfirst.Hub](parkwaitsfirst.NewHub, parkwaitsfirst.ErrKilled)
	impls["mutant/sleep-blocks-the-loop"] = adapt[*sleepblockstheloop.Hub](sleepblockstheloop.NewHub, sleepblockstheloop.ErrKilled)
	impls["mutant/sleep-leaves-timer"] = adapt[*sleepleavestimer.Hub](sleepleavestimer.NewHub, sleepleavestimer.ErrKilled)
	impls["mutant/waitfor-keeps-waiter"] = adapt[*waitforkeepswaiter.Hub](waitforkeepswaiter.NewHub, waitforkeepswaiter.ErrKilled)
}
