/** The parts of PagerDuty REST API v2 answers this plugin reads (the fake and the contract test check them). */

export interface PdReference {
  id: string;
  type: string;
  summary?: string;
  name?: string;
  html_url?: string | null;
  email?: string;
}

export interface PdService {
  id: string;
  name: string;
  description?: string | null;
  status: string;
  html_url: string;
  escalation_policy: PdReference;
  integrations?: Array<PdReference & { integration_key?: string }>;
}

export interface PdEscalationPolicy {
  id: string;
  name: string;
  html_url: string;
  num_loops: number;
  escalation_rules: Array<{ id: string; escalation_delay_in_minutes: number; targets: PdReference[] }>;
}

export interface PdOnCall {
  escalation_level: number;
  user: PdReference;
  schedule?: PdReference | null;
  escalation_policy: PdReference;
  start: string | null;
  end: string | null;
}

export interface PdIncident {
  id: string;
  incident_number: number;
  title: string;
  status: 'triggered' | 'acknowledged' | 'resolved';
  urgency: 'high' | 'low';
  created_at: string;
  resolved_at?: string | null;
  last_status_change_at?: string | null;
  priority?: { id: string; summary?: string | null; name?: string | null } | null;
  html_url: string;
  service?: PdReference;
  assignments: Array<{ at: string; assignee: PdReference }>;
}

export interface PdChangeEvent {
  id: string;
  summary: string;
  timestamp: string;
  source?: string | null;
  links?: Array<{ href: string; text?: string | null }>;
}

export interface PdServiceMetrics {
  service_id: string;
  total_incident_count?: number;
  mean_seconds_to_resolve?: number | null;
  mean_seconds_to_first_ack?: number | null;
  total_high_urgency_incidents?: number | null;
}
