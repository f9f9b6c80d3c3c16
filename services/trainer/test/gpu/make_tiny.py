"""Tiny Llama + locally trained BPE tokenizer + SFT JSONL (as trainer-gpu/tests/test_gpu.py builds them)."""
import json, os, sys
import torch
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
from transformers import AutoModelForCausalLM, PreTrainedTokenizerFast
from t2s_trainer.archs import llama_config

root = sys.argv[1]
SPECIALS = ["<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>", "<|finetune_right_pad_id|>"]
TEMPLATE = ("{{ bos_token }}{% for m in messages %}<|start_header_id|>{{ m['role'] }}<|end_header_id|>\n\n"
            "{{ m['content'] }}<|eot_id|>{% endfor %}"
            "{% if add_generation_prompt %}<|start_header_id|>assistant<|end_header_id|>\n\n{% endif %}")
T = ["singer", "concert", "stadium", "album", "track", "artist", "city", "country"]
C = ["name", "age", "year", "capacity", "title", "genre", "id", "score"]
def conv(i):
    t, c = T[i % 8], C[(i * 3 + i // 8) % 8]
    return [{"role": "system", "content": f"You write SQLite queries. Schema: CREATE TABLE {t} (id INT, {c} TEXT);"},
            {"role": "user", "content": [f"List every {c} of {t}.", f"Show the {c} for all {t} rows.", f"What {c} values does {t} have?"][i % 3]},
            {"role": "assistant", "content": f"SELECT {c} FROM {t};"}]
bpe = Tokenizer(models.BPE())
bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
bpe.decoder = decoders.ByteLevel()
bpe.train_from_iterator((m["content"] for i in range(400) for m in conv(i)),
                        trainers.BpeTrainer(vocab_size=420, special_tokens=SPECIALS, initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
tok = PreTrainedTokenizerFast(tokenizer_object=bpe, bos_token="<|begin_of_text|>", eos_token="<|eot_id|>")
tok.chat_template = TEMPLATE
model_dir = os.path.join(root, "tiny-llama")
tok.save_pretrained(model_dir)
torch.manual_seed(0)
cfg = llama_config("tiny", vocab_size=len(tok), bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id, max_position_embeddings=1024)
AutoModelForCausalLM.from_config(cfg, dtype=torch.float32).save_pretrained(model_dir)
os.makedirs(os.path.join(root, "data", "datasets"), exist_ok=True)
with open(os.path.join(root, "data", "datasets", "train.jsonl"), "w") as fh:
    for i in range(200):
        fh.write(json.dumps({"messages": conv(i)}) + "\n")
print(model_dir)
