package main

import "github.com/spf13/cobra"

func (a *app) simulateCommand() *cobra.Command { return &cobra.Command{Use: "simulate"} }
