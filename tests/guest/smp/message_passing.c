/* Message passing under RVWMO (unprivileged spec, "RVWMO memory consistency model" and FENCE):
   every hart produces a stream of messages for the next hart (h -> h+1 mod N) and consumes the
   stream of the previous one, through a ring of slots.  The producer writes a slot's data, then
   `fence w,w`, then the slot's flag; the consumer sees the flag, then `fence r,r`, then reads the
   data, which must be exactly the message's.  Slot reuse is ordered with `fence rw,rw` on both sides
   (consumer: data read before the acknowledgement; producer: acknowledgement seen before the
   slot is rewritten). */
#include "smp.h"

#define MESSAGES 20000
#define SLOTS    16
#define WORDS    6

struct slot {
    volatile u64 flag; /* sequence number + 1 of the message in data */
    volatile u64 data[WORDS];
};

struct channel {
    struct slot slots[SLOTS];
    volatile u64 acknowledged __attribute__((aligned(64))); /* messages consumed so far */
} __attribute__((aligned(64)));

static struct channel channels[SMP_MAX_HARTS]; /* channels[h]: from hart h to hart h+1 */
static volatile u64 consumed[SMP_MAX_HARTS];

/* A value no other message or word shares, so a stale or torn read cannot match. */
static u64 payload(u64 channel, u64 seq, u64 word) {
    return (channel << 56) ^ (seq * 0x9e3779b97f4a7c15ull) ^ (word << 48) ^ word;
}

static void produce(u64 channel, u64 seq) {
    struct channel* ch = &channels[channel];
    struct slot* slot = &ch->slots[seq % SLOTS];
    if (seq >= SLOTS) SPIN_UNTIL(ch->acknowledged >= seq + 1 - SLOTS);
    FENCE(rw, rw); /* the consumer's use of the slot's previous message is over before we rewrite it */
    for (u64 w = 0; w < WORDS; w++)
        slot->data[w] = payload(channel, seq, w);
    FENCE(w, w); /* data before flag */
    slot->flag = seq + 1;
}

static void consume(u64 channel, u64 seq) {
    struct channel* ch = &channels[channel];
    struct slot* slot = &ch->slots[seq % SLOTS];
    SPIN_UNTIL(slot->flag == seq + 1);
    FENCE(r, r); /* flag before data */
    for (u64 w = 0; w < WORDS; w++)
        CHECK_EQ(slot->data[w], payload(channel, seq, w));
    FENCE(rw, rw); /* data read before the slot is handed back */
    ch->acknowledged = seq + 1;
}

void smp_main(u64 hart, u64 nharts) {
    const u64 out = hart, in = (hart + nharts - 1) % nharts;
    for (u64 seq = 0; seq < MESSAGES; seq++) {
        produce(out, seq);
        consume(in, seq);
        consumed[hart]++;
    }
    smp_barrier();
    if (hart == 0) {
        put_str("message_passing: ");
        put_dec(nharts);
        put_str(" channels x ");
        put_dec(MESSAGES);
        put_str(" messages of ");
        put_dec(WORDS);
        put_str(" words\n");
        for (u64 h = 0; h < nharts; h++) {
            CHECK_EQ(consumed[h], MESSAGES);
            CHECK_EQ(channels[h].acknowledged, MESSAGES);
        }
    }
}
