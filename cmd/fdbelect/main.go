package main

import (
	"context"
	"fmt"
	"io"
	"os"
)

func main() {
	err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr)
	if err != nil {
		if msg := errorLine(err); msg != "" {
			fmt.Fprintln(os.Stderr, "fdbelect: "+msg)
		}
		os.Exit(exitCode(err))
	}
}

// run executes one fdbelect command line. It is main without the process:
// the tests call it with their own writers and context.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return newApp(stdout, stderr).execute(ctx, args)
}
