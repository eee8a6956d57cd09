package storetest

import (
	"context"
	"time"

	"github.com/renovote/renovote/engine"
	"github.com/renovote/renovote/store"
)

// The workflows a test needs to build a project, a published ballot or a
// questionnaire straight on a store, the way app runs them (a unit of
// work, rows through the store, events made by engine and signed with
// Key), without app's checks of the documents: store tests use fake
// scenario documents. They stamp rows at Epoch.

// Extend appends events to a chain inside the unit of work ctx runs in,
// as app.extend does (without the witnesses).
func Extend(ctx context.Context, s *store.Store, projectID int64, events ...*engine.AuditEvent) error {
	head, last, err := s.LockChain(ctx, projectID)
	if err != nil {
		return err
	}
	if err := engine.CheckHead(projectID, head, last, Key.Public(), nil); err != nil {
		return err
	}
	for _, e := range events {
		e.ProjectID = projectID
	}
	head = engine.LinkEvents(head, events)
	if err := s.InsertEvents(ctx, events); err != nil {
		return err
	}
	cp := &engine.Checkpoint{ProjectID: projectID, Seq: head.Seq, Head: head.Hash, At: events[len(events)-1].At}
	Key.Sign(cp)
	return s.SaveHead(ctx, cp)
}

// CreateProject stores p and begins its chain.
func CreateProject(ctx context.Context, s *store.Store, p *engine.Project) error {
	return s.InTx(ctx, func(ctx context.Context) error {
		if err := s.InsertProject(ctx, p, Epoch); err != nil {
			return err
		}
		return Extend(ctx, s, p.ID, engine.ProjectCreated(p, Epoch))
	})
}

// ReplaceHouseholds swaps a project's households.
func ReplaceHouseholds(ctx context.Context, s *store.Store, projectID int64, hs []engine.Household) error {
	return s.InTx(ctx, func(ctx context.Context) error {
		published, questionnaires, err := s.HouseholdsUsed(ctx, projectID)
		if err != nil {
			return err
		}
		if err := engine.CanReplaceHouseholds(published, questionnaires); err != nil {
			return err
		}
		if err := s.ReplaceHouseholds(ctx, projectID, hs, Epoch); err != nil {
			return err
		}
		return Extend(ctx, s, projectID, engine.HouseholdsReplaced(projectID, hs, engine.WorkerActor(1), Epoch))
	})
}

// SaveScenario stores a new draft (ID 0) or changes one.
func SaveScenario(ctx context.Context, s *store.Store, sc *engine.Scenario) error {
	sc.UpdatedAt = Epoch
	return s.InTx(ctx, func(ctx context.Context) error {
		var err error
		if sc.ID == 0 {
			sc.Status, sc.CreatedAt = engine.ScenarioDraft, Epoch
			err = s.InsertScenario(ctx, sc)
		} else {
			err = s.UpdateScenario(ctx, sc)
		}
		if err != nil {
			return err
		}
		return Extend(ctx, s, sc.ProjectID, engine.ScenarioSaved(sc, engine.WorkerActor(1), Epoch))
	})
}

// Publish freezes req's scenario, opens its ballot (superseding the open
// one) and issues req's links.
func Publish(ctx context.Context, s *store.Store, req *engine.PublishRequest) (*engine.Ballot, error) {
	at := req.At
	if at.IsZero() {
		at = Epoch
	}
	sc, err := s.Scenario(ctx, req.ProjectID, req.ScenarioID)
	if err != nil {
		return nil, err
	}
	if req.Result != nil {
		sc.Result = req.Result
	}
	sc.Status, sc.Canonical, sc.SHA256, sc.PublishedAt, sc.UpdatedAt = engine.ScenarioPublished, req.Canonical, req.SHA256, &at, at
	b := &engine.Ballot{ProjectID: req.ProjectID, ScenarioID: sc.ID, SHA256: req.SHA256, Rule: req.Rule, Deadline: req.Deadline.UTC().Truncate(time.Microsecond), OpenedAt: at}
	err = s.InTx(ctx, func(ctx context.Context) error {
		if err := s.PublishScenario(ctx, sc); err != nil {
			return err
		}
		if err := s.InsertBallot(ctx, b); err != nil {
			return err
		}
		unclosed, err := s.UnclosedBallots(ctx, b.ProjectID)
		if err != nil {
			return err
		}
		var events []*engine.AuditEvent
		for _, old := range engine.OpenToSupersede(unclosed, at) {
			if old.ID != b.ID {
				old.Close(at, engine.BallotSuperseded, b.ID)
				if err := s.InsertClosure(ctx, old); err != nil {
					return err
				}
				events = append(events, engine.BallotClosedEvent(old, req.Actor, at))
			}
		}
		events = append(events, engine.Published(sc, b, req.Actor, at))
		links := make([]*engine.SigningLink, len(req.Links))
		for i := range req.Links {
			l := &req.Links[i]
			l.ProjectID, l.BallotID, l.CreatedAt = b.ProjectID, b.ID, at
			if l.ExpiresAt.IsZero() {
				l.ExpiresAt = b.Deadline
			}
			links[i] = l
		}
		return issueLinks(ctx, s, b.ProjectID, links, nil, at, events...)
	})
	return b, err
}

// ReissueLinks revokes the live links of the households of links and
// issues links in their place.
func ReissueLinks(ctx context.Context, s *store.Store, links []*engine.SigningLink) error {
	if len(links) == 0 {
		return nil
	}
	b, err := s.Ballot(ctx, links[0].ProjectID, links[0].BallotID)
	if err != nil {
		return err
	}
	return s.InTx(ctx, func(ctx context.Context) error {
		live, err := s.Links(ctx, b.ProjectID, b.ID)
		if err != nil {
			return err
		}
		revoked := make([]*engine.SigningLink, len(links))
		for i, l := range links {
			l.CreatedAt = Epoch
			for _, old := range live {
				if old.HouseholdID == l.HouseholdID {
					at := Epoch
					old.RevokedAt, revoked[i] = &at, old
				}
			}
		}
		return issueLinks(ctx, s, b.ProjectID, links, revoked, Epoch)
	})
}

func issueLinks(ctx context.Context, s *store.Store, projectID int64, links, revoked []*engine.SigningLink, at time.Time, events ...*engine.AuditEvent) error {
	var stop []*engine.SigningLink
	for _, l := range revoked {
		if l != nil {
			stop = append(stop, l)
		}
	}
	if err := s.RevokeLinks(ctx, stop); err != nil {
		return err
	}
	for _, l := range links {
		l.ProjectID = projectID
	}
	if err := s.InsertLinks(ctx, links); err != nil {
		return err
	}
	first := len(events)
	for i, l := range links {
		var old *engine.SigningLink
		if revoked != nil {
			old = revoked[i]
		}
		events = append(events, engine.LinkIssued(projectID, l, old, engine.WorkerActor(1), at))
	}
	if err := Extend(ctx, s, projectID, events...); err != nil {
		return err
	}
	for i, l := range links {
		l.IssuedSeq = events[first+i].Seq
	}
	return s.SetLinksIssued(ctx, links)
}

// SendQuestionnaires stores open questionnaires with their links.
func SendQuestionnaires(ctx context.Context, s *store.Store, sends []engine.QuestionnaireSend) error {
	return s.InTx(ctx, func(ctx context.Context) error {
		for _, send := range sends {
			q := send.Questionnaire
			q.Status, q.CreatedAt = engine.QuestionnaireOpen, Epoch
			for i := range send.Links {
				l := &send.Links[i]
				l.CreatedAt = Epoch
				if l.ExpiresAt.IsZero() {
					l.ExpiresAt = q.Deadline
				}
			}
			if err := s.InsertQuestionnaire(ctx, q, send.Links); err != nil {
				return err
			}
			if err := Extend(ctx, s, q.ProjectID, engine.QuestionnaireSent(q, send.Links, engine.WorkerActor(1), Epoch)); err != nil {
				return err
			}
		}
		return nil
	})
}

// RecordResponse records answers as app.Answer does: the same key
// replays, a closed questionnaire is a conflict.
func RecordResponse(ctx context.Context, s *store.Store, projectID int64, r *engine.SurveyResponse) (replay bool, err error) {
	if r.CreatedAt.IsZero() {
		r.CreatedAt = Epoch
	}
	r.ProjectID = projectID
	err = s.InTx(ctx, func(ctx context.Context) error {
		q, err := s.Questionnaire(ctx, projectID, r.QuestionnaireID)
		if err != nil {
			return err
		}
		earlier, err := s.ResponseByKey(ctx, q.ProjectID, q.ID, r.IdempotencyKey)
		if err != nil {
			return err
		}
		if earlier != nil {
			replay = true
			got, err := engine.ReplayAnswer(earlier, r)
			if err == nil {
				*r = *got
			}
			return err
		}
		if err := q.AcceptsAnswer(r.CreatedAt); err != nil {
			return err
		}
		if err := s.InsertResponse(ctx, r); err != nil {
			return err
		}
		return Extend(ctx, s, projectID, engine.QuestionnaireAnswered(projectID, r, r.CreatedAt))
	})
	return replay, err
}

// CloseQuestionnaire closes an open questionnaire at Epoch.
func CloseQuestionnaire(ctx context.Context, s *store.Store, projectID, id int64) error {
	return s.InTx(ctx, func(ctx context.Context) error {
		q, err := s.Questionnaire(ctx, projectID, id)
		if err != nil {
			return err
		}
		if err := q.Close(Epoch); err != nil {
			return err
		}
		if err := s.CloseQuestionnaire(ctx, q); err != nil {
			return err
		}
		return Extend(ctx, s, projectID, engine.QuestionnaireEnded(q, engine.WorkerActor(1), Epoch))
	})
}
