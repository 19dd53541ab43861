package main

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"sync"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/client/v3/concurrency"
	"go.etcd.io/etcd/server/v3/embed"
	"go.uber.org/zap"
)

// etcdSystem runs concurrency.Election candidates against one embedded,
// single-member etcd server. Each candidate has its own session (lease);
// a crash orphans the session, so its lease is never revoked and expires
// on the server.
type etcdSystem struct {
	srv    *embed.Etcd
	dir    string
	client *clientv3.Client
	ttl    int // seconds
}

// startEtcd starts a single-member server on loopback ports in a temporary
// directory, with a 50 ms raft heartbeat and a 500 ms election timeout so
// that a 1 s lease TTL is not raised (etcd raises TTLs below 1.5 × the
// election timeout). Fsync is off: the other systems keep their data in
// memory too.
func startEtcd(ttl int) (*etcdSystem, error) {
	dir, err := os.MkdirTemp("", "fdbelect-bench-etcd-")
	if err != nil {
		return nil, err
	}
	s := &etcdSystem{dir: dir, ttl: ttl}

	ports, err := freePorts(2)
	if err != nil {
		s.stop()
		return nil, err
	}
	peer := url.URL{Scheme: "http", Host: fmt.Sprintf("127.0.0.1:%d", ports[0])}
	client := url.URL{Scheme: "http", Host: fmt.Sprintf("127.0.0.1:%d", ports[1])}

	cfg := embed.NewConfig()
	cfg.Name = "bench"
	cfg.Dir = dir
	cfg.ListenPeerUrls = []url.URL{peer}
	cfg.AdvertisePeerUrls = []url.URL{peer}
	cfg.ListenClientUrls = []url.URL{client}
	cfg.AdvertiseClientUrls = []url.URL{client}
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
	cfg.TickMs = 50
	cfg.ElectionMs = 500
	cfg.UnsafeNoFsync = true
	cfg.LogLevel = "error"
	cfg.ZapLoggerBuilder = embed.NewZapLoggerBuilder(zap.NewNop())

	srv, err := embed.StartEtcd(cfg)
	if err != nil {
		s.stop()
		return nil, err
	}
	s.srv = srv
	select {
	case <-srv.Server.ReadyNotify():
	case <-time.After(30 * time.Second):
		s.stop()
		return nil, fmt.Errorf("bench: embedded etcd not ready after 30s")
	}

	s.client, err = clientv3.New(clientv3.Config{
		Endpoints:   []string{client.String()},
		DialTimeout: 5 * time.Second,
		Logger:      zap.NewNop(),
	})
	if err != nil {
		s.stop()
		return nil, err
	}
	return s, nil
}

// freePorts asks the kernel for n free loopback ports. Another process
// could take one before etcd binds it; the start then fails and says so.
func freePorts(n int) ([]int, error) {
	var ports []int
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// stop closes the client and the server and removes the data directory.
func (s *etcdSystem) stop() {
	if s.client != nil {
		s.client.Close()
	}
	if s.srv != nil {
		s.srv.Close()
	}
	os.RemoveAll(s.dir)
}

func (s *etcdSystem) name() string         { return "etcd concurrency.Election" }
func (s *etcdSystem) lease() time.Duration { return time.Duration(s.ttl) * time.Second }

// heartbeat is the session's keep-alive period: the client renews a lease
// a third of its TTL after the last renewal.
func (s *etcdSystem) heartbeat() time.Duration { return s.lease() / 3 }

type etcdCandidate struct {
	sess    *concurrency.Session
	cancel  context.CancelFunc
	resignC chan chan error
}

type etcdGroup struct {
	cands  []*etcdCandidate
	events chan elected
	wg     sync.WaitGroup

	mu      sync.Mutex
	crashed map[int]bool // guarded by mu
}

func (s *etcdSystem) newGroup(ctx context.Context, tag string, n int) (group, error) {
	g := &etcdGroup{events: make(chan elected, 1024), crashed: map[int]bool{}}
	prefix := "/bench/" + tag
	for i := range n {
		sess, err := concurrency.NewSession(s.client, concurrency.WithTTL(s.ttl))
		if err != nil {
			g.close()
			return nil, err
		}
		runCtx, cancel := context.WithCancel(ctx)
		c := &etcdCandidate{sess: sess, cancel: cancel, resignC: make(chan chan error)}
		g.cands = append(g.cands, c)
		g.wg.Add(1)
		go func() {
			defer g.wg.Done()
			g.campaign(runCtx, i, prefix)
		}()
	}
	return g, nil
}

// campaign runs candidate i: campaign, lead until asked to resign, resign,
// and campaign again at once (etcd queues candidates in order of arrival,
// so the resigner goes to the back of the line).
func (g *etcdGroup) campaign(ctx context.Context, i int, prefix string) {
	c := g.cands[i]
	for ctx.Err() == nil {
		el := concurrency.NewElection(c.sess, prefix)
		if err := el.Campaign(ctx, candidateID(i)); err != nil {
			return
		}
		select {
		case g.events <- elected{idx: i, at: time.Now()}:
		default:
		}
		select {
		case reply := <-c.resignC:
			reply <- el.Resign(ctx)
		case <-ctx.Done():
			return
		}
	}
}

func (g *etcdGroup) elected() <-chan elected { return g.events }

func (g *etcdGroup) crash(i int) {
	g.mu.Lock()
	g.crashed[i] = true
	g.mu.Unlock()
	g.cands[i].sess.Orphan()
	g.cands[i].cancel()
}

func (g *etcdGroup) resign(ctx context.Context, i int) error {
	return askResign(ctx, g.cands[i].resignC)
}

// close stops the candidates; sessions that did not crash revoke their
// leases, crashed ones are left to expire.
func (g *etcdGroup) close() {
	for _, c := range g.cands {
		c.cancel()
	}
	g.wg.Wait()
	g.mu.Lock()
	defer g.mu.Unlock()
	for i, c := range g.cands {
		if !g.crashed[i] {
			c.sess.Close()
		}
	}
}
