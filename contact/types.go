package contact

import (
	"time"
)

// Role is a user's role within an account.
type Role string

// The roles a user can have.
const (
	Administrator Role = "ADMINISTRATOR"
	Agent         Role = "AGENT"
)

// Actor is the authenticated caller: every store call is confined to its account.
type Actor struct {
	AccountID string
	UserID    string
	Role      Role
}

// IsAdmin reports whether the actor is an administrator.
func (a Actor) IsAdmin() bool { return a.Role == Administrator }

// User is a person who calls the API with a token.
type User struct {
	ID        string    `db:"id"`
	Name      string    `db:"name"`
	Email     string    `db:"email"`
	Role      Role      `db:"role"`
	CreatedAt time.Time `db:"created_at"`
}

// Inbox is a channel through which conversations arrive.
type Inbox struct {
	ID          string    `db:"id"`
	Name        string    `db:"name"`
	ChannelType string    `db:"channel_type"`
	CreatedAt   time.Time `db:"created_at"`
}

// Document is a named link attached to a contact.
type Document struct {
	Name string `json:"name"`
	URL  string `json:"url"`
}

// ContactInbox is a contact's identity in one inbox.
type ContactInbox struct {
	ID        string    `db:"id"`
	ContactID string    `db:"contact_id"`
	InboxID   string    `db:"inbox_id"`
	SourceID  string    `db:"source_id"`
	CreatedAt time.Time `db:"created_at"`
}

// ConversationStatus is the state of a conversation.
type ConversationStatus string

// ConversationStatuses are the states a conversation can be in (the
// GraphQL enum ConversationStatus).
var ConversationStatuses = []ConversationStatus{"OPEN", "PENDING", "RESOLVED"}

// Conversation is a thread of messages with one contact in one inbox.
type Conversation struct {
	ID          string             `db:"id"`
	ContactID   string             `db:"contact_id"`
	InboxID     string             `db:"inbox_id"`
	Channel     string             `db:"channel"`
	Subject     *string            `db:"subject"`
	Status      ConversationStatus `db:"status"`
	AssigneeIDs Strings            `db:"assignee_ids"`
	CreatedAt   time.Time          `db:"created_at"`
	UpdatedAt   time.Time          `db:"updated_at"`
}

// SenderType says who sent a message.
type SenderType string

// The kinds of message sender.
const (
	SenderContact SenderType = "CONTACT"
	SenderUser    SenderType = "USER"
	SenderSystem  SenderType = "SYSTEM"
)

// Message is one entry of a conversation's timeline, ordered by (CreatedAt, ID).
type Message struct {
	ID              string     `db:"id"`
	ConversationID  string     `db:"conversation_id"`
	Content         string     `db:"content"`
	SenderType      SenderType `db:"sender_type"`
	SenderContactID *string    `db:"sender_contact_id"`
	SenderUserID    *string    `db:"sender_user_id"`
	CreatedAt       time.Time  `db:"created_at"`
}

// Application is a contact's job application.
type Application struct {
	ID        string    `db:"id"`
	ContactID string    `db:"contact_id"`
	JobTitle  *string   `db:"job_title"`
	Status    *string   `db:"status"`
	CreatedAt time.Time `db:"created_at"`
}

// ContactNote is a note about a contact written by a user.
type ContactNote struct {
	ID        string    `db:"id"`
	ContactID string    `db:"contact_id"`
	Content   string    `db:"content"`
	AuthorID  *string   `db:"author_id"`
	CreatedAt time.Time `db:"created_at"`
}

// Reminder is a to-do about a contact.
type Reminder struct {
	ID        string     `db:"id"`
	ContactID string     `db:"contact_id"`
	Title     string     `db:"title"`
	DueAt     *time.Time `db:"due_at"`
	Done      bool       `db:"done"`
	CreatedAt time.Time  `db:"created_at"`
}

// TrainingSnapshot is a JSON object captured for a contact.
type TrainingSnapshot struct {
	ID        string     `db:"id"`
	ContactID string     `db:"contact_id"`
	Data      JSONObject `db:"data"`
	CreatedAt time.Time  `db:"created_at"`
}
