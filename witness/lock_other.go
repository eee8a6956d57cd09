//go:build !unix

package witness

import "os"

func lock(*os.File) error { return nil }
