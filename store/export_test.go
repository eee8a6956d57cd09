package store

import "context"

// OpenWithout opens like Open but leaves out the migration steps given: a
// database as a binary without them left it, to test their upgrade.
func OpenWithout(ctx context.Context, dsn string, versions ...int) (*Store, error) {
	skip := map[int]bool{}
	for _, v := range versions {
		skip[v] = true
	}
	return open(ctx, dsn, skip)
}
