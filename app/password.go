package app

import (
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"github.com/renovote/renovote/engine"
)

// MinPasswordRunes is the shortest password a worker may choose.
const MinPasswordRunes = 10

// commonPasswords are passwords that lists of leaked passwords put first,
// in the world and in China; a worker's password may not be one of them
// (compared without case).
var commonPasswords = map[string]bool{}

func init() {
	for _, p := range strings.Fields(`
		1234567890 0123456789 0987654321 9876543210 1111111111 0000000000 1234512345 1122334455 1314520520
		5201314520 1234567890a a1234567890 1234567890q qwertyuiop qwertyuiop1 asdfghjkl1 zxcvbnm123 1qaz2wsx3edc
		1q2w3e4r5t 1q2w3e4r5t6y q1w2e3r4t5 qwerty1234 qwerty123456 password12 password123 password1234 passw0rd123
		p@ssw0rd123 p@ssword123 iloveyou12 iloveyou123 woaini1314 woaini5201314 woaini520 admin12345 admin123456
		administrator root123456 abc1234567 abcd123456 abcdefghij abc123456789 a123456789 aa12345678 aa123456789
		123456789a 123456789q 12345678910 147258369a 1472583690 159357159357 zaq12wsxcde 88888888888 66666666666
		12345qwert qazwsxedc123 qazwsxedcrfv 1234qwerasdf letmein123 welcome123 welcome1234 dragon1234 monkey1234
		sunshine12 princess12 football12 baseball12 superman12 trustno1234 shanghai123 beijing123 renovote123
		renovote2026 renovote2027 changeme123 default123 password2026 password2027 test123456 guest123456 user123456
	`) {
		commonPasswords[p] = true
	}
}

// CheckPassword is the rule for a worker's password: at least ten
// characters, not a commonly used password, not one character or a plain
// run of digits, and not the username.
func CheckPassword(username, password string) error {
	n := utf8.RuneCountInString(password)
	lower := strings.ToLower(password)
	switch {
	case n < MinPasswordRunes:
		return engine.Invalidf("password", "密码至少需要%d个字符（现有%d个）", MinPasswordRunes, n)
	case len(password) > 72:
		return engine.Invalidf("password", "密码最长72个字节")
	case commonPasswords[lower] || strings.Count(password, password[:1]) == len(password) || isDigitRun(password):
		return engine.Invalidf("password", "这个密码太常见，很容易被猜到，请换一个（可以用几个词组合，如“幸福里3号楼加梯”）")
	case username != "" && strings.Contains(lower, strings.ToLower(username)) && utf8.RuneCountInString(username) >= 3,
		strings.EqualFold(password, username):
		return engine.Invalidf("password", "密码不能包含用户名")
	}
	return nil
}

// isDigitRun reports whether s is ascending or descending digits (1234…).
func isDigitRun(s string) bool {
	if len(s) < 2 {
		return false
	}
	up, down := true, true
	for i := 1; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' || s[i-1] < '0' || s[i-1] > '9' {
			return false
		}
		up = up && (s[i]-s[i-1] == 1 || s[i-1] == '9' && s[i] == '0')
		down = down && (s[i-1]-s[i] == 1 || s[i-1] == '0' && s[i] == '9')
	}
	return up || down
}

// hashPassword hashes a password that passed CheckPassword.
func hashPassword(password string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	return string(h), err
}

// accountGuard slows down and then refuses logins to an account after
// failed attempts — per account, whatever the client's address — and
// never locks it for good: failures older than the window are forgotten,
// and a successful login clears them. Per process, like the IP limits.
type accountGuard struct {
	mu       sync.Mutex
	failures map[string][]time.Time
}

const (
	guardWindow   = 15 * time.Minute
	guardSlowFrom = 3  // failures before each attempt is slowed
	guardStopFrom = 10 // failures before attempts are refused for the window
)

// check says how long to wait before answering this attempt, or refuses
// it (rate_limited) while the account has too many recent failures.
func (g *accountGuard) check(username string, now time.Time) (time.Duration, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	recent := g.recent(username, now)
	switch n := len(recent); {
	case n >= guardStopFrom:
		wait := recent[len(recent)-guardStopFrom].Add(guardWindow).Sub(now)
		return 0, engine.Errorf(engine.ECodeRateLimited, "这个账号的密码错误次数太多，请 %d 分钟后再试，或联系管理员", int(wait.Minutes())+1)
	case n >= guardSlowFrom:
		return time.Duration(n-guardSlowFrom+1) * time.Second, nil
	}
	return 0, nil
}

func (g *accountGuard) recent(username string, now time.Time) []time.Time {
	list := g.failures[username]
	i := 0
	for i < len(list) && now.Sub(list[i]) > guardWindow {
		i++
	}
	list = list[i:]
	if len(list) == 0 {
		delete(g.failures, username)
	} else {
		g.failures[username] = list
	}
	return list
}

func (g *accountGuard) failed(username string, now time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.failures == nil {
		g.failures = map[string][]time.Time{}
	}
	if len(g.failures) > 100_000 { // bounded under a flood of made-up names
		for k := range g.failures {
			delete(g.failures, k)
			break
		}
	}
	g.failures[username] = append(g.recent(username, now), now)
}

func (g *accountGuard) succeeded(username string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	delete(g.failures, username)
}
