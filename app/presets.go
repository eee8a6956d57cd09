package app

import "github.com/renovote/renovote/engine"

// Presets are the city subsidies, allocation schemes and consent rules a
// worker starts a plan from.
func (a *App) Presets() *engine.Presets { return engine.AllPresets(a.now()) }

// SurveyPresets are the renovation items questionnaires start from.
func (a *App) SurveyPresets() []engine.SurveyPreset { return engine.SurveyPresets }

// SurveyQuestions are the standard questions' wordings (engine.StandardQuestions).
func (a *App) SurveyQuestions() []engine.StandardQuestion { return engine.StandardQuestions }
