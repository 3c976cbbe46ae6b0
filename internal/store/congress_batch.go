package store

import (
	"context"
	"sync"
	"time"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/lsn"
)

// congressBatcher writes the status updates that arrive while others are
// being written together: one transaction and four statements for a batch
// (changeCongresses), so that the round trips, the start of each
// statement and the commit's wait for the disk are paid once per batch
// rather than once per update. An update that finds no batch running
// starts at once, alone; the others wait for the batch after the running
// one, at most one batch long. Each change is still decided, refused and
// audited on its own.
//
// Two batches run at a time, as long as batches come and go: one commits
// (waiting for the disk) while the other runs its statements, and the
// larger the batches, the less each update costs. So a lane that finds
// few updates waiting while the other lane's batch runs waits for more, a
// little (linger, lingerFor): the database is busy with the other batch
// meanwhile, and the next batch is larger. A batch that waits (on
// the lock of a congress another transaction holds, say) must not hold up
// every update: when none has started or ended for stuckAfter while
// updates wait, another lane starts for them, up to maxLanes. Batches of
// several lanes take their locks in the same orders (congresses by code, completion
// locks root first, rollup delta rows by unit and day), so they cannot
// deadlock on one another. A batch whose transaction fails as a whole (a
// deadlock with another writer, a lost connection) is tried again one
// update at a time, so that an update fails only for a reason of its own.
//
// Each lane adds its batches' changes to a shard of rollup_deltas of its
// own, its number (see rollup.go): a lane's batches run one after another,
// so they add to the same delta rows of the nation, the provinces and the
// districts, updated in place, where a shard drawn for each batch inserts
// a new row for most of them; and two lanes never wait on each other's
// delta rows.
type congressBatcher struct {
	s *Store
	// lanes is how many batches run at once while batches come and go,
	// maxLanes how many when they do not; size how many updates a batch
	// takes at most.
	lanes, maxLanes, size int
	stuckAfter            time.Duration
	// linger is how long a lane waits for lingerFor updates while another
	// lane's batch runs.
	linger    time.Duration
	lingerFor int

	mu      sync.Mutex
	queue   []*congressJob
	running int
	// busy is how many lanes are running a batch; arrival is closed (and
	// made anew) when an update arrives or a batch ends while lingering
	// lanes wait for it.
	busy      int
	lingering int
	arrival   chan struct{}
	// moved is when a batch last started or ended; watching, whether a
	// look at the queue after stuckAfter is planned (watch).
	moved    time.Time
	watching bool
	// laneBusy says which lane numbers (and delta shards) running lanes
	// hold, maxLanes of them.
	laneBusy []bool
}

// The lanes, batch size and patience of the batches of status updates
// (see congressBatcher). A batch stays well below the statement timeout.
const (
	updateLanes     = 2
	updateMaxLanes  = 4
	updateBatchSize = 64
	updateStuck     = 50 * time.Millisecond
	updateLinger    = time.Millisecond
	updateLingerFor = 4
)

func newCongressBatcher(s *Store) *congressBatcher {
	return &congressBatcher{s: s, lanes: updateLanes, maxLanes: updateMaxLanes, size: updateBatchSize, stuckAfter: updateStuck,
		linger: updateLinger, lingerFor: updateLingerFor, arrival: make(chan struct{}), laneBusy: make([]bool, updateMaxLanes)}
}

// do queues the job, and returns its outcome once its batch is committed
// or rolled back. A job whose context ends before its batch starts is not
// run.
func (b *congressBatcher) do(ctx context.Context, j *congressJob) (domain.Congress, error) {
	j.ctx, j.done = ctx, make(chan struct{})
	b.mu.Lock()
	b.queue = append(b.queue, j)
	b.wakeLingering()
	if b.running < b.lanes {
		b.startLane()
	} else {
		b.watch()
	}
	b.mu.Unlock()
	<-j.done
	return j.out, j.err
}

// startLane starts a lane draining the queue, with the lowest number no
// running lane holds. Call it holding mu.
func (b *congressBatcher) startLane() {
	b.running++
	b.moved = time.Now()
	lane := 0
	for b.laneBusy[lane] {
		lane++
	}
	b.laneBusy[lane] = true
	go b.drain(int16(lane))
}

// watch makes sure that updates waiting while every lane is busy are looked
// at again after stuckAfter: if no batch has started or ended by then,
// another lane starts for them. Call it holding mu.
func (b *congressBatcher) watch() {
	if b.watching {
		return
	}
	b.watching = true
	time.AfterFunc(b.stuckAfter, func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		b.watching = false
		switch {
		case len(b.queue) == 0:
		case b.running < b.lanes || b.running < b.maxLanes && time.Since(b.moved) >= b.stuckAfter:
			b.startLane()
		default:
			b.watch()
		}
	})
}

// drain runs batches from the queue until it is empty, as lane number lane.
func (b *congressBatcher) drain(lane int16) {
	for {
		b.mu.Lock()
		b.awaitMore()
		b.moved = time.Now()
		batch := b.take()
		if len(batch) == 0 {
			b.running--
			b.laneBusy[lane] = false
			b.mu.Unlock()
			return
		}
		b.busy++
		b.mu.Unlock()
		b.run(batch, lane)
		b.mu.Lock()
		b.busy--
		b.wakeLingering()
		b.mu.Unlock()
	}
}

// awaitMore waits, at most linger, while another lane runs a batch and
// fewer than lingerFor updates wait. Call it holding mu; it is held again
// on return.
func (b *congressBatcher) awaitMore() {
	if b.linger <= 0 || b.busy == 0 || len(b.queue) >= b.lingerFor {
		return
	}
	t := time.NewTimer(b.linger)
	defer t.Stop()
	for b.busy > 0 && len(b.queue) < b.lingerFor {
		arrival := b.arrival
		b.lingering++
		b.mu.Unlock()
		timeout := false
		select {
		case <-arrival:
		case <-t.C:
			timeout = true
		}
		b.mu.Lock()
		b.lingering--
		if timeout {
			return
		}
	}
}

// wakeLingering wakes the lanes waiting in awaitMore, if any. Call it
// holding mu.
func (b *congressBatcher) wakeLingering() {
	if b.lingering > 0 {
		close(b.arrival)
		b.arrival = make(chan struct{})
	}
}

// take removes from the queue the next batch: the first job and, up to the
// size of a batch, those after it in the same round with the same day
// (they share their statements), one per congress (a second update of a
// congress waits for the next batch, as it would for the first's commit).
// Jobs whose context has ended are answered with its error. Call it
// holding mu.
func (b *congressBatcher) take() []*congressJob {
	var batch, rest []*congressJob
	codes := map[string]bool{}
	for _, j := range b.queue {
		switch {
		case j.ctx.Err() != nil:
			j.err = j.ctx.Err()
			close(j.done)
		case len(batch) < b.size && !codes[j.code] &&
			(len(batch) == 0 || j.round == batch[0].round && j.ch.Today == batch[0].ch.Today):
			batch = append(batch, j)
			codes[j.code] = true
		default:
			rest = append(rest, j)
		}
	}
	b.queue = rest
	return batch
}

// run writes a batch in one transaction, adding to the delta shard of
// lane, and answers its jobs; a transaction that fails is tried again job
// by job.
func (b *congressBatcher) run(jobs []*congressJob, lane int16) {
	callers := make([]*lsn.Caller, len(jobs))
	for i, j := range jobs {
		callers[i] = lsn.From(j.ctx)
	}
	// The batch is every job's: no one caller's end stops it.
	ctx := context.WithoutCancel(jobs[0].ctx)
	err := b.s.inTxFor(ctx, callers, func(tx *txn) error {
		return changeCongresses(ctx, tx, jobs[0].round, jobs, &lane)
	})
	if err != nil && len(jobs) > 1 {
		for _, j := range jobs {
			j.reset()
			b.run([]*congressJob{j}, lane)
		}
		return
	}
	for _, j := range jobs {
		if err != nil {
			j.out, j.err = domain.Congress{}, err
		}
		close(j.done)
	}
}
