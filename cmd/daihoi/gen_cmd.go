package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/gen"
)

// cmdGen runs `daihoi gen`: a synthetic national tree and a round in
// progress over it, loaded into a database without units (it never touches
// a database that has some).
func cmdGen(ctx context.Context, c *cli, args []string) error {
	def := gen.DefaultOptions()
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	provinces := fs.Int("provinces", def.Provinces, "provinces and centrally-run cities (kind city)")
	districts := fs.Int("districts", def.Districts, "districts")
	grassroots := fs.Int("grassroots", def.Grassroots, "grassroots organizations (Đảng bộ cơ sở and Chi bộ cơ sở)")
	cells := fs.Int("cells", def.Cells, "cells under the grassroots committees")
	seed := fs.Uint64("seed", def.Seed, "seed: the same seed and sizes give the same tree and state")
	asOf := fs.String("as-of", gen.DefaultAsOf.Format("2006-01-02"), "the day the round's state describes (YYYY-MM-DD)")
	fs.Usage = func() {
		fmt.Fprintln(c.stderr, "usage: daihoi gen [--provinces 63] [--districts 700] [--grassroots 52000] [--cells 300000] [--seed 1] [--as-of 2020-04-15]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		if err == nil {
			fs.Usage()
		}
		return errUsage
	}
	o := gen.Options{Provinces: *provinces, Districts: *districts, Grassroots: *grassroots, Cells: *cells, Seed: *seed}
	if err := o.Validate(); err != nil {
		return err
	}
	day, err := domain.ParseDate(*asOf)
	if err != nil {
		return err
	}
	return withApp(ctx, c, func(a *app) error {
		start := time.Now()
		res, err := gen.Run(ctx, a.svc, o, day, c.stdout)
		if err != nil {
			return err
		}
		fmt.Fprintln(c.stdout)
		res.Print(c.stdout, day)
		fmt.Fprintf(c.stdout, "done in %s\n", time.Since(start).Round(time.Millisecond))
		return nil
	})
}
