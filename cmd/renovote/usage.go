package main

const usageText = `renovote — 老旧小区加装电梯：出资分摊、表决统计、大写金额
renovote — elevator retrofits: cost sharing, consent tally, amounts in words

用法 Usage:
  renovote serve [--addr :8080] [--db DSN] [--base-url URL] [--demo]   启动服务 / run the service
  renovote user add NAME [--admin] [--db DSN]  新建工作人员（密码从标准输入读取）/ add a worker (password on stdin)
  renovote user passwd NAME [--db DSN]         修改工作人员密码（从标准输入读取）/ set a worker's password
  renovote load [--url URL] [--households N] [--clients C]   压测签署并核对结果 / drive signing load and check the count
  renovote calc FILE|- [--format json|table]   计算出资分摊 / compute the cost split
  renovote tally FILE|-                        统计表决结果（民法典第278条）/ count the votes
  renovote survey FILE|-                       统计问卷 / tally a questionnaire
  renovote ledger FILE|-                       缴款核算（欠缴、逾期、收缴率）/ payments against the schedule
  renovote funding FILE|-                      公积金、维修资金可提取额 / what may be drawn from 公积金 and 维修资金
  renovote words AMOUNT                        金额大写 / an amount in Chinese capitals
  renovote migrate [--db DSN]                  创建或升级数据库结构 / create or upgrade the schema
  renovote audit verify PROJECT [--db DSN] [--public-key FILE] [--anchor N:PREFIX] [--witness URL]
                                               校验项目审计日志与签名存证 / verify a project's audit chain
  renovote key show [--public]                 显示签名密钥指纹与密钥历史 / the checkpoint key and its history
  renovote key rotate [--old-key-lost --by 姓名] 更换签名密钥（记入审计日志）/ replace the key, recorded in the chains
  renovote witness serve [--addr :8090] [--db FILE] [--key FILE]
                                               运行独立见证服务 / run an independent witness
  renovote help [COMMAND]                      显示帮助 / show help

--db 为 SQLite 文件（默认 renovote.db）或 postgres:// 地址；也可用环境变量 DATABASE_URL。
--db is a SQLite file (default renovote.db) or a postgres:// URL; DATABASE_URL works too.

FILE 为 JSON 文件，"-" 表示从标准输入读取。FILE is a JSON file; "-" reads standard input.
--signing-key 为签名密钥文件（默认 renovote.key，首次启动时创建，权限 0600，不存入数据库；
数据库已有签名存证时不再自动创建，换钥只能用 renovote key rotate）；也可用环境变量
RENOVOTE_SIGNING_KEY。--signing-key is the checkpoint key file (default renovote.key, created 0600
on a database without checkpoints, never stored in the database; afterwards only key rotate
replaces it); RENOVOTE_SIGNING_KEY works too.

输入有误时退出码为 2，并在标准错误输出一行说明；数据库无法连接时退出码为 3。
Bad input exits with status 2 and one line on stderr; an unreachable database exits with status 3.
`

var commandHelp = map[string]string{
	"calc": `用法 Usage: renovote calc FILE|- [--format json|table]

按方案计算每户应出资金额：总造价减去财政补贴、加上低楼层补偿，按分摊方式
（系数×面积、按楼层系数、按面积、按户均摊、按楼层比例、按每户比例）精确到分分摊，
含困难户减免、分期付款计划和年运行费用。
Computes each household's share of an elevator retrofit to the fen: costs minus
subsidies plus low-floor compensation, split by the chosen method, with hardship
relief, installment plans and the yearly running cost.

  --format json    输出计算结果 JSON（默认）/ print the result JSON (default)
  --format table   输出中文表格 / print a readable Chinese table

示例 Example:
  renovote calc fixtures/scenarios/demo.json --format table
`,
	"tally": `用法 Usage: renovote tally FILE|-

按《民法典》第278条统计表决：参与表决的专有面积和人数均达2/3以上，
再看参与者中同意的面积和人数（改建等重大事项3/4以上，一般事项过半数）。
同一业主的多套房按一人计；必须同意的住户未同意则不通过。
Counts votes by 民法典 art. 278: participation of ≥ 2/3 of the area and of the
owners, then approval by ≥ 3/4 (major works) or > 1/2 (ordinary matters) of the
participating area and owners. Prints the tally JSON, including how many more
owners must agree ("needed").

示例 Example:
  renovote tally fixtures/tally/civil-code-major.json
`,
	"words": `用法 Usage: renovote words AMOUNT

按中国人民银行票据填写规定把金额写成中文大写。
Writes an amount in Chinese capitals (大写) by the People's Bank of China rules.

示例 Example:
  renovote words 16409.02     →  人民币壹万陆仟肆佰零玖元零贰分
`,
	"migrate": `用法 Usage: renovote migrate [--db DSN]

打开数据库并应用所有未执行的结构迁移（服务启动时也会自动执行）。
Opens the database and applies any pending schema migrations (the server does this at start too).

  --db DSN   SQLite 文件或 postgres:// 地址（默认取 DATABASE_URL，否则 renovote.db）
`,
	"audit": `用法 Usage: renovote audit verify PROJECT [--db DSN] [--public-key FILE] [--anchor N:PREFIX] [--accept-break SEQ]
                           [--witness-file FILE] [--witness URL]...

重新计算项目审计日志的哈希链，核对每条表决记录和已发布方案是否与日志相符，并用公钥核对
每条签名存证：没有密钥而改写了数据库的，校验必然失败。发现改动时指出第一条出问题的事件，
退出码为 1；数据库无法连接时退出码为 3（这不说明日志有问题）。公钥取自 --public-key 文件
（renovote key show --public 的输出），否则取自签名密钥文件。--anchor 核对纸上印的
“存证 第 N 条 · 哈希前缀”是否仍在链上。换过密钥的，按系统日志里的换钥记录逐把核对（每次换钥
由旧密钥签名担保）；旧密钥丢失后的换钥（key rotate --old-key-lost）是信任中断，校验失败并指出
系统日志第几条，核实之后可用 --accept-break 该条数 接受（仍会显示警告）。
Recomputes the project's audit hash chain, checks every decision and published scenario against
it and every signed checkpoint with the public key (a chain rewritten without the key fails);
names the first broken event and exits 1 if anything was altered, 3 if the database cannot be
reached. --anchor N:PREFIX checks a chain position printed on paper. Checkpoints are checked with
the key of the history current at their point (each rotation vouched by the old key); a rotation
with the old key lost is a break of trust that fails the check until --accept-break SEQ.

再与数据库之外的见证记录核对：见证记录文件（--witness-file，RENOVOTE_WITNESS_FILE；默认为签名
密钥文件所在目录下的 renovote.witness，存在时核对）和每个 --witness 见证方（RENOVOTE_WITNESS，
逗号分隔）。见证过的每个存证哈希都必须在链上，链也不能短于见证到的条数：数据库被回滚到较早的
状态时，其余校验都能通过，这一项不能。
Then checks the chain against the witnesses outside the database: the witness file (default
renovote.witness beside the key file, when it exists) and each --witness URL. Every witnessed
head must lie on the chain, and the chain must not end before the last witnessed seq: a database
rolled back to an earlier state passes every other check, not this one.
`,
	"witness": `用法 Usage: renovote witness serve [--addr :8090] [--db renovote-witness.db] [--key renovote-witness.key]

运行独立见证服务，由服务器运营方以外的单位（街道、区住建局）运行：自有密钥（--key，不存在时创建，
权限 0600）和自有 SQLite 数据库（--db）。服务器用 renovote serve --witness URL 把每条签名存证
发给它；它用登记的服务器公钥核对签名，对同一条数出现另一个哈希（分叉）或退回到更早的条数（回滚）
拒绝接收（409）并记录告警，接受的存证加上自己的签名。GET /v1/heads?server=公钥指纹 给出每个项目
最新的见证存证，audit verify --witness URL 据此核对；GET /v1/alarms 列出告警。
服务器公钥首次提交即登记（公钥本身可以验证：只有持有私钥的服务器能以该指纹提交存证）。
Runs an independent witness with its own key and SQLite file. Servers post every signed
checkpoint to it (serve --witness URL); it checks each against the server key registered on first
use, refuses a fork (same seq, another head) or a regression with 409 and an alarm, co-signs what
it accepts, and answers the latest co-signed head per project (GET /v1/heads?server=FINGERPRINT)
and its alarms (GET /v1/alarms).

  --addr   监听地址（RENOVOTE_WITNESS_ADDR，默认 :8090）
  --db     见证数据库 SQLite 文件（RENOVOTE_WITNESS_DB，默认 renovote-witness.db）
  --key    见证密钥文件（RENOVOTE_WITNESS_KEY，默认 renovote-witness.key）
`,
	"key": `用法 Usage: renovote key show [--public] [--signing-key FILE] [--db DSN]
       renovote key rotate [--signing-key FILE] [--new-key FILE] [--db DSN]
       renovote key rotate --old-key-lost --by 姓名 [--old-public-key FILE] [--signing-key FILE] [--db DSN]

key show 显示签名密钥的公钥指纹（印在协议和核验页上）和数据库里的密钥历史；数据库还没有签名存证
时，没有密钥文件就创建一个（权限 0600）。--public 只输出公钥（base64），可交给第三方用
audit verify --public-key 独立核对。
key rotate 换用新密钥（或 --new-key 文件里的密钥）：在系统日志写入由旧密钥签名的换钥记录，
并用新密钥重新签署每条审计链的最新位置（同一事务）；旧密钥文件改名保存为 FILE.old-指纹。
换钥前请停止 renovote serve，换钥后用新密钥重启。旧密钥丢失时用 --old-key-lost --by 姓名：
没有旧密钥担保，audit verify 会报告信任中断。
key show prints the key's fingerprint and the database's key history (creating the key file only on
a database without checkpoints); --public prints only the public key. key rotate writes a
key_rotated event signed by the old key and re-signs every chain's head with the new key; the old
file is kept as FILE.old-FINGERPRINT. Stop serve first. --old-key-lost rotates without the old key:
a break of trust that audit verify reports.
`,
	"serve": `用法 Usage: renovote serve [--addr :8080] [--db DSN] [--base-url URL] [--demo]

启动服务：工作人员接口、居民签署页面、公开核验。首次启动会创建管理员 admin 并显示一次随机密码
（或使用环境变量 RENOVOTE_ADMIN_PASSWORD）。--demo 载入演示项目并打印各户签署链接。
Runs the service. On an empty database it creates the worker admin and prints a random password
once (or uses RENOVOTE_ADMIN_PASSWORD). --demo loads the demo project and prints its signing links.

  --addr               监听地址（RENOVOTE_ADDR，默认 :8080）
  --db                 SQLite 文件或 postgres:// 地址（DATABASE_URL，默认 renovote.db）
  --base-url           链接和二维码中使用的网址（RENOVOTE_BASE_URL，默认按 --addr：http://localhost:端口）
  --demo               在空数据库中载入演示项目并打印各户签署链接（已有数据时不载入）
  --signing-key        签名密钥文件（RENOVOTE_SIGNING_KEY，默认 renovote.key；只在没有签名存证的数据库上创建，
                       已有签名存证而文件缺失或不是签署它们的密钥时拒绝启动，退出码 3）
  --witness-file       见证记录文件，每条签名存证在答复请求之前追加并落盘（RENOVOTE_WITNESS_FILE，
                       默认为签名密钥文件所在目录下的 renovote.witness；多台服务器共用数据库时各用各的）
  --new-witness-file   数据库已有签名存证而见证记录文件不存在时，确认启动新的见证记录（文件确实丢失或刚升级；
                       否则拒绝启动，退出码 3）
  --witness            独立见证方的网址，可重复（RENOVOTE_WITNESS，逗号分隔）；存证从见证记录文件
                       发出，见证方停机时保留，恢复后补发；控制台显示各见证方的滞后
  --trusted-proxies    反向代理的网段，信任其 X-Forwarded-For（RENOVOTE_TRUSTED_PROXIES，默认无）
  --clauses            协议条款模板文件（RENOVOTE_CLAUSES，默认内置）
  --rate-sign          每个来源每秒签署请求数（RENOVOTE_RATE_SIGN，默认 10）
  --rate-public        每个来源每秒公开接口请求数（RENOVOTE_RATE_PUBLIC，默认 20）
  --rate-login         每个来源每秒登录次数（RENOVOTE_RATE_LOGIN，默认 0.2）
  --rate-feedback      每个来源每秒匿名意见数，独立于登录限额（RENOVOTE_RATE_FEEDBACK，默认 0.0167：连续5条后每分钟1条）
                       以上限额与账号密码错误次数：PostgreSQL 上在数据库中计数，多台服务器合计；SQLite 上在本进程中
  --read-header-timeout  客户端发送请求头的时限（默认 10s）
`,
	"ledger": `用法 Usage: renovote ledger FILE|-

按每户的应缴计划核算实际缴款（docs/payments.md）：已缴、未缴、多缴、到期应缴、逾期金额与起始日、
下一笔应缴，以及合计和收缴率；精确到分，先抵最早的应缴，退款不会使已缴为负。
Computes what each household has paid against its schedule: paid, outstanding, credit, due to
date, overdue (since when), the next due, and totals with the collection rate; exact to the fen.
`,
	"funding": `用法 Usage: renovote funding FILE|-

按城市规则核算每户应出资金额中可由住房公积金和专项维修资金支付的部分（docs/funding.md）：
按 order 依次提取，公积金只由规则允许的亲属账户提取，维修资金账户至少留存首期交存额×留存比例
（向上取整到分），不足部分为现金；completed 给出时算出申请截止日 apply_by。精确到分。
Computes how much of each household's share may be drawn from the family's 住房公积金 and the
unit's 专项维修资金 under a city's rule, and what is left to pay in cash; exact to the fen.

示例 Example:
  renovote funding fixtures/funding/example.json
`,
	"user": `用法 Usage: renovote user add NAME [--admin] [--display-name 名字] [--org ID --role ROLE] [--db DSN]
       renovote user passwd NAME [--db DSN] [--signing-key FILE]

新建工作人员账号，或修改其密码（该账号的会话全部退出）；密码从标准输入读取：至少10个字符，
不能是常见密码，不能包含用户名。登录失败过多时该账号会被暂时限制（最长15分钟），不会永久锁定。
角色 --role：worker（工作人员，属于社区）、lead（社区负责人）、supervisor（街道督导，只读）、
auditor（区级审计，只读）；--org 为所属组织的编号（GET /api/v1/orgs 可查）。
Adds a worker, or sets a worker's password (ending their sessions); the password is read from
standard input: at least 10 characters, not a common password, not containing the username.
`,
	"load": `用法 Usage: renovote load [--url URL] [--user admin] [--password P] [--households 500] [--decisions 3] [--clients 32] [--duplicates 0.2]
       renovote load --seed-projects N [--households-per 24] [--clients 32] [--url URL]
       renovote load --get PATH [--n 200] [--url URL]

对运行中的服务做签署压测：新建一个 N 户的项目并发布方案，用 C 个并发客户端提交每户的表决（含重复提交
和改变意见），打印吞吐量和 p50/p99 延迟，最后核对服务器的表决数、统计结果和审计链与发送的完全一致。
Drives concurrent signing against a running server and checks that it counted exactly what was sent.
Start the server with a high signing rate limit for this (RENOVOTE_RATE_SIGN=100000).

--seed-projects N：建 N 个项目（每个 --households-per 户），经 API 走完全程：发布方案和签署链接、每户签署、
结束表决、施工阶段、政府补贴、每户缴款、居民意见及答复、巡查及整改，用 --clients 个并发客户端，打印用时。
Fills the server with N projects taken through their whole life over the API (about 87 events each
with 24 households), for the scale benchmark (BENCHMARKS.md).
--get PATH：依次请求 PATH 共 --n 次，打印 p50/p95 延迟。Times GET PATH, --n times one after another.
`,
	"survey": `用法 Usage: renovote survey FILE|-

统计问卷结果（纸质问卷录入后也可用）：多选题（最重要的几项）的人数和比例，排序题的综合得分（排第1位得 n-1 分，依次递减）
和第一选择，满意度评分的分布、平均分和满意率（4–5分），单选题各选项，意见题的份数。
Tallies a questionnaire: choose-k shares, Borda counts, rating distribution, mean and share
satisfied, single-choice shares, and the number of free-text answers (docs/questionnaire.md).

示例 Example:
  renovote survey fixtures/survey/priorities.json
`,
}
