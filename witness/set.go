package witness

import (
	"context"
	"sync"

	"github.com/renovote/renovote/engine"
)

// Set is the service's witness (engine.Witness): the local file, written
// before the request is answered, and the remote witnesses, fed from it in
// the background.
type Set struct {
	file    *File
	clients []*Client
	wg      sync.WaitGroup
	cancel  context.CancelFunc
}

var _ engine.Witness = (*Set)(nil)

// NewSet combines the file and the clients.
func NewSet(file *File, clients ...*Client) *Set { return &Set{file: file, clients: clients} }

// Witness writes cps to the file; the clients post them from there.
func (s *Set) Witness(ctx context.Context, cps []*engine.Checkpoint) error {
	return s.file.Witness(ctx, cps)
}

// Enqueue takes checkpoints in order now and returns what waits until the
// witness file holds them (engine.WitnessQueue).
func (s *Set) Enqueue(cps []*engine.Checkpoint) func(ctx context.Context) error {
	return s.file.Enqueue(cps)
}

// Head is the latest checkpoint the file holds for a project.
func (s *Set) Head(projectID int64) (*engine.Checkpoint, bool) { return s.file.Head(projectID) }

// Start starts posting to the remote witnesses until Close.
func (s *Set) Start(ctx context.Context) {
	ctx, s.cancel = context.WithCancel(ctx)
	for _, c := range s.clients {
		s.wg.Go(func() { c.Run(ctx) })
	}
}

// Lag is each remote witness's lag, for the console.
func (s *Set) Lag() []Lag {
	out := make([]Lag, len(s.clients))
	for i, c := range s.clients {
		out[i] = c.Lag()
	}
	return out
}

// Close stops the clients and closes the file.
func (s *Set) Close() error {
	if s.cancel != nil {
		s.cancel()
	}
	s.wg.Wait()
	return s.file.Close()
}
