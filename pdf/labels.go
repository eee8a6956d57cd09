package pdf

// baseText holds every character of the labels this package prints, the
// digits and units of 大写 and the texts of the tally rules, so that each
// document's cut font has them whatever its data. TestBaseTextCoversLabels
// keeps it complete: it reads every string literal of the package, the
// clause template and the rule texts, and says what to add.
const baseText = "零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整人民币，。；：、（）《》“”！？…—－·■" +
	"□ ％￥¥㎡–×÷Σ≥>≤<=+＋第页共加装电梯出资摊协议书方案指纹\u3000房号项目" +
	"地址一住户话楼层专有面积平米业主二费用与总造价财政补贴合计不超过低偿额金大写规则" +
	"系数比例本权重按困难减免担他应获得的另行支付每年运三期款首于其余中利息日四条模板" +
	"五表决签署北京时间月意见同弃名证尚未请在会上字由工作员录入统纸质单照片存档式手机" +
	"好骑缝终核验码扫描左侧维或访问记是否致尾差最法配精确到部典百八十均各定没无生成材料截止打" +
	"印概要情况达标实际占门槛结果参多套论已通即使全也和但仍必须还需从小而施审志校事件" +
	"哈希链完题份可线公示根据华国七现将如下自起至进展异对前向提右查看详含任何个信误体" +
	"读取失败」』】〉’「『【〈‘依及既宅相关订立所扣除后附划开次清投保检等承为更改以" +
	"准绑变新随之效六凭真伪争社区居委组织商处理建筑物并经者般半约" +
	"卷回收答率选择博尔排位递满复列综登缴览点持托代序姓隐发布盖章当" +
	"内容密钥退冲正编交原因废办预算来源府筹集明细途账疑阅去程度始阶段状态备注监督近天了评匿" +
	"双甲乙室屋银只汇给具九框√头符常受影响催告此损追批能路竣管负责修样履先申街道调解院诉述" +
	"票沿虚剪两涂白卡讨稿什么花少钱包括哪里图安找谁说笔待外" +
	"联留执领欠务身动产文井连廊设邻属独转让抵押服企特种求返阻挠坏赔知义移力" +
	"张护私逐栏反映逾视▲授非替接限" +
	"束初步届" +
	"边浏器输网填勿遗放" + // slips
	"兹折类别心仅子女父偶" // share certificate
