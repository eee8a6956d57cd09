package app

import (
	"bytes"
	"context"
	"strings"

	"github.com/renovote/renovote/engine"
)

// ShareCertificatePDF prints a household's 加装电梯费用分摊证明 for the 公积金
// centre. The certificate is a record with its own verification code: a
// reprint of the same figures reuses it; new figures (a payment, other
// accounts, another rule) issue a new one, and /verify of the old code says
// it was replaced.
func (a *App) ShareCertificatePDF(ctx context.Context, w *engine.Worker, projectID, householdID int64) (*Document, error) {
	p, err := a.project(ctx, w, projectID, ActWrite) // a certificate is issued, as a record, by the 社区
	if err != nil {
		return nil, err
	}
	c, err := a.shareCertificate(ctx, p, householdID)
	if err != nil {
		return nil, err
	}
	rec, err := a.issueCertificate(ctx, c, actor(w))
	if err != nil {
		return nil, err
	}
	own, err := a.ownAnchors(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	c.Code, c.Issued, c.VerifyURL = rec.Code, rec.IssuedAt, a.baseURL+"/verify/"+rec.Code
	c.Anchor, c.KeyFingerprint = own[ownKey("certificate", rec.ID)], a.KeyFingerprint()
	return a.render(ctx, p.ID, actor(w), "certificate:"+rec.Code, "share-certificate-"+c.Household.Room+".pdf", func(buf *bytes.Buffer) error {
		return a.printer.ShareCertificate(buf, c)
	})
}

// shareCertificate gathers what the certificate attests, at the figures
// of now (not yet issued).
func (a *App) shareCertificate(ctx context.Context, p *engine.Project, householdID int64) (*engine.ShareCertificate, error) {
	pf, err := a.funding(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	var row *FundingRow
	for i := range pf.Rows {
		if pf.Rows[i].Household.ID == householdID {
			row = &pf.Rows[i]
		}
	}
	if row == nil {
		return nil, engine.Errorf(engine.ECodeNotFound, "住户 %d 不在已发布的方案中", householdID)
	}
	records, err := a.store.HouseholdPayments(ctx, p.ID, householdID)
	if err != nil {
		return nil, err
	}
	c := &engine.ShareCertificate{Project: p, Household: row.Household, Row: row.Share, TotalSubsidy: pf.Plan.Result.TotalSubsidy,
		Subsidy: engine.SubsidyShares(pf.Plan.Input, &pf.Plan.Result)[row.Household.Room], Rule: pf.Rule, RuleName: "本项目自定规则",
		ApplyBy: pf.Result.ApplyBy, Funding: *row.Funding, Figures: row.Figures}
	if c.Issuer, err = a.certificateIssuer(ctx, p); err != nil {
		return nil, err
	}
	for _, preset := range engine.FundingPresets() {
		if preset.Key == pf.Rule.Preset {
			c.RuleName = preset.Name
		}
	}
	for _, r := range engine.Counting(records) {
		switch r.Kind {
		case engine.PaymentIn:
			c.Paid += r.Amount
		case engine.PaymentRefund:
			c.Paid -= r.Amount
		default:
			continue
		}
		c.Payments = append(c.Payments, r)
	}
	return c, nil
}

// issueCertificate returns the household's certificate for c's figures:
// its latest when the figures are the same, else a new one written with
// its event.
func (a *App) issueCertificate(ctx context.Context, c *engine.ShareCertificate, by string) (*engine.Certificate, error) {
	digest := c.Digest()
	now := a.moneyTime()
	var rec *engine.Certificate
	err := a.inTx(ctx, func(ctx context.Context) error {
		if err := a.lockChain(ctx, c.Project.ID); err != nil {
			return err
		}
		latest, err := a.store.LatestCertificate(ctx, c.Project.ID, c.Household.ID)
		if err != nil {
			return err
		}
		if latest != nil && latest.Digest == digest {
			rec = latest
			return nil
		}
		rec = &engine.Certificate{ProjectID: c.Project.ID, HouseholdID: c.Household.ID, Code: engine.NewVerificationCode(c.Project.ID), Digest: digest,
			Due: c.Funding.Due, GJJ: c.Funding.GJJ.Total, Maintenance: c.Funding.Maintenance.Amount, Cash: c.Funding.Cash, IssuedBy: by, IssuedAt: now}
		if err := a.store.InsertCertificate(ctx, rec); err != nil {
			return err
		}
		return a.extend(ctx, c.Project.ID, engine.CertificateIssued(rec))
	})
	return rec, err
}

// verifyCertificate is /verify of a certificate's code: whether the record
// holds, and whether it still states the household's figures (current) or
// newer figures replaced it.
func (a *App) verifyCertificate(ctx context.Context, code string) (*Verification, error) {
	rec, err := byCode(ctx, a, engine.EntryCertificate, code, a.store.CertificateByCode)
	if err != nil {
		return nil, err
	}
	st, err := a.chainCheck(ctx, rec.ProjectID)
	if err != nil {
		return nil, err
	}
	p, err := a.store.Project(ctx, rec.ProjectID)
	if err != nil {
		return nil, err
	}
	v := &Verification{Certificate: rec, Project: p.Name, Valid: st.check.OK, Reason: st.check.Reason, Current: true,
		Anchor: engine.Anchor{Seq: st.head.Seq, Hash: st.head.Hash}, Key: a.KeyFingerprint(), Contact: p.Contact}
	if h, err := household(p, rec.HouseholdID); err == nil {
		v.Room = h.Room
	}
	if recorded, ok := st.certs[rec.ID]; v.Valid && (!ok || recorded != rec.Digest) {
		v.Valid, v.Reason = false, "这份证明的记录与审计日志中登记的内容不符（记录被改动）"
	}
	latest, err := a.store.LatestCertificate(ctx, rec.ProjectID, rec.HouseholdID)
	if err != nil {
		return nil, err
	}
	if latest != nil && latest.ID != rec.ID {
		v.Current, v.ReplacedBy = false, &Replacement{Kind: "certificate", At: latest.IssuedAt}
	} else if c, err := a.shareCertificate(ctx, p, rec.HouseholdID); err == nil && c.Digest() != rec.Digest {
		// figures changed since (a payment, the accounts): a new one is due
		v.Current = false
	}
	return v, nil
}

// certificateIssuer names who issues a 费用分摊证明: the agreement's 甲方,
// else the project's 社区 as its 居民委员会 ("宝石社区" → "宝石社区居民委员会"),
// else "" — a blank the worker fills in by hand, never a nameless
// "社区居民委员会" the 公积金 centre cannot match with the seal.
func (a *App) certificateIssuer(ctx context.Context, p *engine.Project) (string, error) {
	if p.Terms.PartyA != "" {
		return p.Terms.PartyA, nil
	}
	if p.OrgID == 0 {
		return "", nil
	}
	orgs, err := a.store.Orgs(ctx)
	if err != nil {
		return "", err
	}
	for _, o := range orgs {
		if o.ID == p.OrgID && o.Kind == engine.OrgCommunity && o.Name != engine.DefaultCommunity {
			if strings.HasSuffix(o.Name, "居委会") || strings.HasSuffix(o.Name, "居民委员会") {
				return o.Name, nil
			}
			return o.Name + "居民委员会", nil
		}
	}
	return "", nil
}
