package app

import "sync"

// Group commit of decisions. The decisions of one project are serialized
// on its chain's head (across processes: the lock is the database's), and
// serialized commits would cost one WAL flush each; instead the decisions
// that arrive for a project while a commit is under way are written
// together in the next unit of work. Each caller still gets its own
// answer, and only after the commit that holds its decision.

// pendingDecision is one caller's decision waiting for its commit.
type pendingDecision struct {
	r    *Recorded
	err  error
	done chan struct{}
}

// decisionBatches groups concurrent decisions per project: the first
// caller becomes the leader and commits batches until none are waiting;
// the others wait for their batch.
type decisionBatches struct {
	mu       sync.Mutex
	projects map[int64]*decisionQueue
}

type decisionQueue struct {
	waiting []*pendingDecision
}

// maxBatch bounds one transaction.
const maxBatch = 64

func (b *decisionBatches) run(project int64, p *pendingDecision, commit func([]*pendingDecision) func()) {
	b.mu.Lock()
	if b.projects == nil {
		b.projects = map[int64]*decisionQueue{}
	}
	q, led := b.projects[project]
	if led {
		q.waiting = append(q.waiting, p)
		b.mu.Unlock()
		<-p.done
		return
	}
	q = &decisionQueue{waiting: []*pendingDecision{p}}
	b.projects[project] = q
	b.mu.Unlock()
	b.lead(project, q, commit, p)
}

// lead commits batches of q. commit returns once the batch is in the
// database and gives what waits for the witnesses: the callers of a batch
// are answered after that wait, while the next batch is already being
// written. A caller leads until its own decision is committed; if others
// are still waiting, a new goroutine takes over, so no caller waits longer
// than for its own batch.
func (b *decisionBatches) lead(project int64, q *decisionQueue, commit func([]*pendingDecision) func(), own *pendingDecision) {
	for {
		b.mu.Lock()
		batch := q.waiting[:min(len(q.waiting), maxBatch)]
		q.waiting = q.waiting[len(batch):]
		if len(batch) == 0 {
			delete(b.projects, project)
			b.mu.Unlock()
			return
		}
		b.mu.Unlock()
		witnessed := commit(batch)
		answer := func() {
			witnessed()
			for _, x := range batch {
				close(x.done)
			}
		}
		mine := false
		for _, x := range batch {
			mine = mine || x == own
		}
		if mine {
			go b.lead(project, q, commit, nil)
			answer()
			return
		}
		go answer()
	}
}
