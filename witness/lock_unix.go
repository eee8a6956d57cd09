//go:build unix

package witness

import (
	"os"
	"syscall"
)

// lock holds the witness file for this process alone: two servers
// appending to one file would each judge and count only their own lines.
func lock(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
}
